-- Chat attachments (POST /api/files/upload, linked to a message when it is processed) and the file storage with
-- share links (/api/file-storage, GET/POST /s/:token).
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages(id) ON DELETE SET NULL,
    uploaded_by TEXT REFERENCES user(id) ON DELETE SET NULL,
    original_name TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX files_kin_idx ON files(kin_id);
CREATE INDEX files_message_idx ON files(message_id);

CREATE TABLE file_storage (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    original_name TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    access_token TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    is_public INTEGER NOT NULL DEFAULT 1,
    read_and_burn INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER,
    download_count INTEGER NOT NULL DEFAULT 0,
    created_by_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    created_by_user_id TEXT REFERENCES user(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX file_storage_kin_idx ON file_storage(kin_id);
CREATE INDEX file_storage_expires_idx ON file_storage(expires_at);
