-- Human prompts (engine.md §8.5): a question a Kin asks the users with prompt_human (confirm / select / multi_select).
-- options and response are JSON text. message_id is the assistant message (the turn) that asked; it is not a foreign
-- key because that row is stored only when the turn ends. task_id stays NULL until tasks exist. Times are epoch ms.
CREATE TABLE human_prompts (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    task_id TEXT,
    message_id TEXT,
    prompt_type TEXT NOT NULL CHECK (prompt_type IN ('confirm', 'select', 'multi_select')),
    question TEXT NOT NULL,
    description TEXT,
    options TEXT NOT NULL,
    response TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'answered', 'expired', 'cancelled')),
    created_at INTEGER NOT NULL,
    responded_at INTEGER
) STRICT;
CREATE INDEX human_prompts_kin_idx ON human_prompts(kin_id, status);
CREATE INDEX human_prompts_task_idx ON human_prompts(task_id);
CREATE INDEX human_prompts_message_idx ON human_prompts(message_id);

-- Notification lists are read per user newest first (rest.md §4); retention prunes by age and by count per user.
CREATE INDEX notifications_user_created_idx ON notifications(user_id, created_at);
