-- Providers, Kins, their conversations (messages, queue, quick sessions, reactions) and notifications.
-- Shapes follow the reference schema (rest.md §4); times are epoch ms.

-- config_sealed: SecretBox (AES-256-GCM) of the JSON config {apiKey, baseUrl?}, bound to the row id.
CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    config_sealed TEXT NOT NULL,
    capabilities TEXT NOT NULL DEFAULT '[]',
    is_valid INTEGER NOT NULL DEFAULT 1,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE kins (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    avatar_path TEXT,
    character TEXT NOT NULL DEFAULT '',
    expertise TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL,
    provider_id TEXT REFERENCES providers(id) ON DELETE SET NULL,
    workspace_path TEXT NOT NULL,
    tool_config TEXT,
    compacting_config TEXT,
    created_by TEXT REFERENCES user(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE quick_sessions (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    created_by TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    title TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at INTEGER NOT NULL,
    closed_at INTEGER,
    expires_at INTEGER
) STRICT;
CREATE INDEX quick_sessions_kin_status_idx ON quick_sessions(kin_id, status);
CREATE INDEX quick_sessions_created_by_idx ON quick_sessions(created_by);

-- tool_calls: JSON [{id, name, args, result, offset}] as the reference stores them (no role='tool' rows).
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    task_id TEXT,
    session_id TEXT REFERENCES quick_sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT,
    source_type TEXT NOT NULL,
    source_id TEXT,
    tool_calls TEXT,
    request_id TEXT,
    in_reply_to TEXT,
    channel_origin_id TEXT,
    is_redacted INTEGER NOT NULL DEFAULT 0,
    metadata TEXT,
    created_at INTEGER NOT NULL
) STRICT;
-- Rows sharing a millisecond are ordered by rowid (insertion order); pagination keys on (created_at, rowid).
CREATE INDEX messages_kin_time_idx ON messages(kin_id, created_at);
CREATE INDEX messages_session_idx ON messages(session_id);
CREATE INDEX messages_task_idx ON messages(task_id);
CREATE INDEX messages_source_idx ON messages(source_type, source_id);

CREATE TABLE queue_items (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    message_type TEXT NOT NULL,
    content TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id TEXT,
    priority INTEGER NOT NULL DEFAULT 100,
    request_id TEXT,
    in_reply_to TEXT,
    task_id TEXT,
    session_id TEXT REFERENCES quick_sessions(id) ON DELETE CASCADE,
    channel_origin_id TEXT,
    file_ids TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    created_message_id TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    processed_at INTEGER
) STRICT;
CREATE INDEX queue_items_kin_status_idx ON queue_items(kin_id, status, priority, created_at);

CREATE TABLE message_reactions (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (message_id, user_id, emoji)
) STRICT;

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    related_id TEXT,
    related_type TEXT,
    is_read INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_user_read_idx ON notifications(user_id, is_read, created_at);
