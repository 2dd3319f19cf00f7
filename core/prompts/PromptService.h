#pragma once

#include "engine/QueueStore.h"
#include "prompts/HumanPrompt.h"
#include "util/Result.h"

#include <functional>
#include <optional>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class NotificationService;

// Human-in-the-loop prompts (engine.md §8.5): a Kin asks (prompt_human), the users see prompt:pending and a
// prompt:pending notification, one of them answers through POST /api/prompts/:id/respond, and the answer reaches the
// Kin as a user message in its queue (it takes a turn).
//
// Prompts asked from a task (engine.md §8.5) go through the task hooks: refused in cron tasks and in tasks with
// allow_human_prompt = 0, the task waits in awaiting_human_input, and the answer enters the task's transcript and
// resumes it instead of reaching the Kin's queue. Cancelling a task cancels its pending prompts
// (prompt:answered {cancelled:true}).
class PromptService final
{
public:
    using Enqueue = std::function<Result<QueueItem>(QueueItem)>;

    struct Ask
    {
        QString kinId;
        QString taskId;    // asked from a task's sub-Kin session
        QString messageId; // the asking turn: one prompt per turn
        QString promptType;
        QString question;
        QString description;
        QJsonArray options;
    };

    static constexpr int kMaxQuestion = 500;
    static constexpr int kMaxDescription = 1000;
    static constexpr int kMinOptions = 2;
    static constexpr int kMaxOptions = 10;

    // What the tasks domain answers for prompts asked from a task.
    struct TaskHooks
    {
        // → the Kin the prompt belongs to (the task's parent), or why this task may not ask.
        std::function<Result<QString>(const QString &taskId)> admit;
        // The prompt is out: the task waits.
        std::function<void(const QString &taskId)> asked;
        // The answer text (responseText) for the task: it resumes.
        std::function<Status(const QString &taskId, const QString &text)> answered;
    };

    PromptService(const Database &db, EventBus &bus, const Clock &clock, NotificationService &notifications, Enqueue enqueue);
    void setTaskHooks(TaskHooks hooks) { m_taskHooks = std::move(hooks); }

    // Validates and stores a pending prompt, announces prompt:pending and notifies every user. A second call from
    // the same turn (messageId) is refused.
    Result<HumanPrompt> ask(const Ask &ask);
    // Pending prompts of a Kin (optionally of one task), oldest first.
    Result<QList<HumanPrompt>> pending(const QString &kinId, const QString &taskId = {}) const;
    Result<std::optional<HumanPrompt>> find(const QString &id) const;
    // The answer of responderUserId: a value (confirm, select) or a non-empty array of values (multi_select), each
    // one of the prompt's options. 400 PROMPT_ERROR when the prompt is unknown, no longer pending or the answer
    // does not fit it. On success: prompt:answered, and the Kin gets `[Human response to "<question>"]: <labels>`.
    Status respond(const QString &id, const QJsonValue &response, const QString &responderUserId);

    // The task was cancelled: its pending prompts become cancelled (prompt:answered {cancelled:true}) → how many.
    Result<int> cancelForTask(const QString &taskId);

    // The text the Kin receives for an answer (labels comma-joined in the order given).
    static QString responseText(const QString &question, const QStringList &labels);

private:
    const Database &m_db;
    EventBus &m_bus;
    const Clock &m_clock;
    NotificationService &m_notifications;
    Enqueue m_enqueue;
    TaskHooks m_taskHooks;
};

} // namespace kinbot
