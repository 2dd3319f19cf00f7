#pragma once

#include "tasks/TaskService.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace kinbot {

class Clock;
class EventBus;
class KinRunner;
class KinService;
class Logger;
class MessageStore;
class ProviderService;
class SettingsStore;
class ToolRegistry;
struct KinRecord;
struct ToolDefinition;
struct TurnOutcome;

// Runs tasks' sub-Kin sessions (engine.md §7 "Execution"): each turn is a KinRunner — the same one-step tool loop as
// the main conversation — with the sub-Kin prompt, the task's transcript as history and the task tool set. Events
// carry taskId and go to the parent Kin; rows are stored under the parent with task_id set. Tasks run side by side
// with the parent's main turn and with each other, on the main loop (model I/O is asynchronous).
//
// After a turn: a resolved task stops; a task waiting for a human or a Kin stops until resumed; a task still
// in_progress (update_task_status never called) gets ONE nudge turn, then fails.
class TaskSessions final : public QObject, public TaskExecution
{
    Q_OBJECT
public:
    struct Deps
    {
        const Clock &clock;
        EventBus &bus;
        KinService &kins;
        ProviderService &providers;
        MessageStore &messages;
        ToolRegistry &tools;
        SettingsStore &settings;
        Logger &logger;
        TaskService &tasks;
    };
    struct Options
    {
        int maxSteps = 100;
        QString version;
        QString dataDir;
        qint64 startedAtMs = 0;
    };

    // Main-only tools a sub-Kin never gets (engine.md §7).
    static const QStringList kExcludedTools;
    static constexpr const char *kNudge =
        "[System] You have not reported the outcome of this task. Call update_task_status now: \"completed\" with the result, "
        "or \"failed\" with the error.";

    TaskSessions(Deps deps, Options options, QObject *parent = nullptr);
    ~TaskSessions() override;

    // Tools made per turn (an MCP server's) for the Kin running the task, and what must happen before they can be
    // listed (connecting the servers; `ready` is called exactly once, now or later; `context` dies with this).
    using ToolSource = std::function<QList<std::shared_ptr<const ToolDefinition>>(const KinRecord &kin)>;
    using Prepare = std::function<void(const QString &kinId, QObject *context, std::function<void()> ready)>;
    void addToolSource(ToolSource source, Prepare prepare = {});

    void run(const QString &taskId) override;
    void abort(const QString &taskId) override;
    bool isRunning(const QString &taskId) const;

Q_SIGNALS:
    // A turn of a task ended (its rows stored, chat:done sent).
    void turnFinished(const QString &taskId, const QString &messageId);

private:
    struct Session
    {
        QPointer<KinRunner> runner;
        QString assistantId;
        QString executingKinId;
        bool nudged = false;
        bool again = false;   // run() while a turn was under way: one more turn after it
        bool preparing = false; // the tool sources are being prepared for the next turn
        bool aborted = false;
    };

    void startTurn(const QString &taskId);
    void beginTurn(const QString &taskId);
    void onFinished(const QString &taskId, const TurnOutcome &outcome);

    Deps m_d;
    Options m_o;
    QHash<QString, Session> m_sessions;
    QList<QPair<ToolSource, Prepare>> m_toolSources;
};

} // namespace kinbot
