-- Scheduling (engine.md §8.2): wake-ups a Kin sets for itself or another Kin. The rows are the truth; the in-process
-- scheduler only holds timers for the pending ones (re-armed from here at startup). Times are epoch milliseconds.
-- One-shot: interval_seconds NULL, fired once then 'fired'. Recurring: fire_at moves forward after each fire until
-- expires_at (or forever when NULL). A wake-up goes with either of its Kins.
CREATE TABLE scheduled_wakeups (
    id TEXT PRIMARY KEY,
    caller_kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    target_kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    reason TEXT,
    fire_at INTEGER NOT NULL,
    interval_seconds INTEGER,
    expires_at INTEGER,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled')),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX scheduled_wakeups_status_fire_idx ON scheduled_wakeups(status, fire_at);
CREATE INDEX scheduled_wakeups_caller_idx ON scheduled_wakeups(caller_kin_id, status);
CREATE INDEX scheduled_wakeups_target_idx ON scheduled_wakeups(target_kin_id);

-- Crons (engine.md §8.1): a schedule (5/6-field cron expression, or an ISO date-time for a one-off) that spawns a task.
-- Kin-created crons wait for a user's approval (requires_approval = 1, inactive). next_run_at is the time the
-- scheduler is armed for (NULL when inactive or when nothing is ahead): at startup a past next_run_at is a run the app
-- was closed over. Times are epoch milliseconds.
CREATE TABLE crons (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    schedule TEXT NOT NULL,
    task_description TEXT NOT NULL,
    target_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    model TEXT,
    provider_id TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    requires_approval INTEGER NOT NULL DEFAULT 0,
    run_once INTEGER NOT NULL DEFAULT 0,
    last_triggered_at INTEGER,
    next_run_at INTEGER,
    created_by TEXT NOT NULL DEFAULT 'user' CHECK (created_by IN ('user', 'kin')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX crons_kin_idx ON crons(kin_id);
CREATE INDEX crons_target_idx ON crons(target_kin_id);
CREATE INDEX crons_active_idx ON crons(is_active);
