-- Webhooks (engine.md §8.3, rest.md §3.14): a public URL per webhook through which an outside service hands a
-- payload to a Kin, either as a message in its conversation or as a task. Times are epoch milliseconds.
-- token_hash: the SHA-256 (64 lowercase hex) of the 64-hex secret token. The token itself is never stored: it is
-- shown once, at creation or regeneration (the reference stores it in clear).
-- filter_mode NULL = every payload passes; 'simple' = the JSON value at filter_field (dot path) must be one of
-- filter_allowed_values (a JSON array of strings, compared case-insensitively); 'advanced' = filter_expression (a
-- regular expression, at most 500 characters, checked when saved) must match the raw body.
-- max_concurrent_tasks: task mode only; 0 = unlimited.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    description TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    last_triggered_at INTEGER,
    trigger_count INTEGER NOT NULL DEFAULT 0,
    filter_mode TEXT CHECK (filter_mode IN ('simple', 'advanced')),
    filter_field TEXT,
    filter_allowed_values TEXT,
    filter_expression TEXT,
    dispatch_mode TEXT NOT NULL DEFAULT 'conversation' CHECK (dispatch_mode IN ('conversation', 'task')),
    task_title_template TEXT,
    task_prompt_template TEXT,
    max_concurrent_tasks INTEGER NOT NULL DEFAULT 1 CHECK (max_concurrent_tasks >= 0),
    created_by TEXT NOT NULL DEFAULT 'user' CHECK (created_by IN ('user', 'kin')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX webhooks_kin_idx ON webhooks(kin_id);

-- What each webhook received (payload cut to 512 KiB), including payloads its filter turned away (filtered = 1).
-- Kept 30 days and at most 500 per webhook.
CREATE TABLE webhook_logs (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    payload TEXT,
    source_ip TEXT,
    filtered INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_logs_webhook_created_idx ON webhook_logs(webhook_id, created_at);
CREATE INDEX webhook_logs_created_idx ON webhook_logs(created_at);
