-- Memories of the Kins (engine.md §4) and full-text search over conversations (search_history).
CREATE TABLE memories (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    embedding BLOB,                 -- little-endian float32, as the provider returned it
    embedding_key TEXT,             -- provider id:model the vector was made with (a different key = stale vector)
    category TEXT NOT NULL CHECK (category IN ('fact', 'preference', 'decision', 'knowledge')),
    subject TEXT,
    source_message_id TEXT REFERENCES messages(id) ON DELETE SET NULL,
    source_channel TEXT NOT NULL DEFAULT 'explicit' CHECK (source_channel IN ('automatic', 'explicit')),
    source_context TEXT,
    importance REAL,
    retrieval_count INTEGER NOT NULL DEFAULT 0,
    last_retrieved_at INTEGER,
    consolidation_generation INTEGER NOT NULL DEFAULT 0,
    consolidated_from_ids TEXT,
    scope TEXT NOT NULL DEFAULT 'private' CHECK (scope IN ('private', 'shared')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX memories_kin_idx ON memories(kin_id, updated_at);
CREATE INDEX memories_scope_idx ON memories(scope);

CREATE VIRTUAL TABLE memories_fts USING fts5(content, subject, content = 'memories', content_rowid = 'rowid',
                                             tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts(rowid, content, subject) VALUES (new.rowid, new.content, new.subject);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, content, subject) VALUES ('delete', old.rowid, old.content, old.subject);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF content, subject ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, content, subject) VALUES ('delete', old.rowid, old.content, old.subject);
    INSERT INTO memories_fts(rowid, content, subject) VALUES (new.rowid, new.content, new.subject);
END;

CREATE VIRTUAL TABLE messages_fts USING fts5(content, content = 'messages', content_rowid = 'rowid',
                                             tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO messages_fts(rowid, content) SELECT rowid, content FROM messages WHERE content IS NOT NULL;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.content IS NOT NULL BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.content IS NOT NULL BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.content IS NOT NULL;
    INSERT INTO messages_fts(rowid, content) SELECT new.rowid, new.content WHERE new.content IS NOT NULL;
END;
