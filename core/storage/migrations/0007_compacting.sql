-- Compacting (engine.md §6): summaries that replace older parts of a Kin's main conversation in the prompt.
-- The messages themselves stay; a summary names the range it covers. Summaries stack chronologically; a telescopic
-- merge folds the oldest into one of greater depth (source_summary_ids) and archives them (is_in_context = 0).
-- Everything goes with the Kin; a summary also goes with the message closing its range (clearing the conversation).
CREATE TABLE compacting_summaries (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    summary TEXT NOT NULL,
    first_message_at INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL,
    first_message_id TEXT REFERENCES messages(id) ON DELETE SET NULL,
    last_message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    message_count INTEGER NOT NULL DEFAULT 0,
    token_estimate INTEGER NOT NULL DEFAULT 0,
    is_in_context INTEGER NOT NULL DEFAULT 1,
    depth INTEGER NOT NULL DEFAULT 0,
    source_summary_ids TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX compacting_summaries_kin_ctx_idx ON compacting_summaries(kin_id, is_in_context);
CREATE INDEX compacting_summaries_last_msg_idx ON compacting_summaries(last_message_id);

-- Legacy single-snapshot compaction of the reference: never written here, listed and rolled back for compatibility.
CREATE TABLE compacting_snapshots (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    summary TEXT NOT NULL,
    messages_up_to_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    is_active INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX compacting_snapshots_kin_active_idx ON compacting_snapshots(kin_id, is_active);
CREATE INDEX compacting_snapshots_msg_idx ON compacting_snapshots(messages_up_to_id);
