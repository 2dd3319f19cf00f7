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
