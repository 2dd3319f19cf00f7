-- Tasks / sub-Kins (engine.md §7): work a Kin delegates to a sub-Kin session of itself (spawn_type 'self') or of
-- another Kin (spawn_type 'other', source_kin_id = the executing Kin), run in the background. The transcript lives in
-- messages (kin_id = parent_kin_id, task_id = the task). depth is 1-based. concurrency_group/max hold tasks back as
-- 'queued' (queued_at set) while the group is full. webhook_id has no foreign key: webhooks arrive in their own
-- migration. Times are epoch ms.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    parent_kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    source_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    spawn_type TEXT NOT NULL CHECK (spawn_type IN ('self', 'other')),
    mode TEXT NOT NULL CHECK (mode IN ('await', 'async')),
    model TEXT,
    provider_id TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'pending', 'in_progress', 'awaiting_human_input', 'awaiting_kin_response',
                                           'completed', 'failed', 'cancelled')),
    result TEXT,
    error TEXT,
    depth INTEGER NOT NULL DEFAULT 1,
    parent_task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    cron_id TEXT REFERENCES crons(id) ON DELETE SET NULL,
    request_input_count INTEGER NOT NULL DEFAULT 0,
    inter_kin_request_count INTEGER NOT NULL DEFAULT 0,
    pending_request_id TEXT,
    channel_origin_id TEXT,
    webhook_id TEXT,
    allow_human_prompt INTEGER NOT NULL DEFAULT 1,
    concurrency_group TEXT,
    concurrency_max INTEGER,
    queued_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_parent_idx ON tasks(parent_kin_id, created_at);
CREATE INDEX tasks_status_idx ON tasks(status);
CREATE INDEX tasks_group_idx ON tasks(concurrency_group, status, queued_at);
CREATE INDEX tasks_cron_idx ON tasks(cron_id, created_at);
