#pragma once

#include "engine/KinRunner.h"
#include "engine/PromptBuilder.h"
#include "engine/QueueStore.h"
#include "engine/TurnContext.h"
#include "kins/KinService.h"
#include "providers/ProviderService.h"
#include "util/Result.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class Logger;
class MessageStore;
class NotificationService;
class ProviderService;
class QuickSessionStore;
class SettingsStore;
class ToolRegistry;
class UploadStore;
struct MessageRecord;

struct EngineOptions
{
    int maxSteps = 100;        // model steps per turn when the Kin has tools
    QString version;
    QString dataDir;
    qint64 startedAtMs = 0;
    int historyLimit = 100;    // most recent main-conversation rows sent to the model
    int contextWindow = 128000; // tokens; the reference's default for models it does not know (KINBOT_CONTEXT_WINDOW)
};

struct EngineServices
{
    const Database &db;
    const Clock &clock;
    EventBus &bus;
    SettingsStore &settings;
    KinService &kins;
    ProviderService &providers;
    MessageStore &messages;
    QueueStore &queue;
    QuickSessionStore &quickSessions;
    ToolRegistry &tools;
    NotificationService &notifications;
    UploadStore &uploads;
    Logger &logger;
};

// The per-Kin queues and their runners (engine.md §1.2–1.3), event driven: an enqueue schedules the Kin's pump on
// the event loop at once (no polling). Two slots per Kin — main and quick session — each running at most one turn;
// different Kins run in parallel. Everything lives on the main thread; model I/O is asynchronous.
class ConversationEngine final : public QObject
{
    Q_OBJECT
public:
    ConversationEngine(EngineServices services, EngineOptions options, QObject *parent = nullptr);
    ~ConversationEngine() override;

    // Crash recovery and resumption: items left 'processing' go back to 'pending', then every Kin with work starts.
    void resume();

    // Persists the item (assigning id/createdAt), announces queue:update and starts the Kin's slot if it is idle.
    Result<QueueItem> enqueue(QueueItem item);
    // Stops the turn running in a slot → false when nothing is streaming there.
    bool stop(const QString &kinId, const QString &sessionId = {});
    bool isBusy(const QString &kinId, const QString &sessionId = {}) const;
    KinQueueState queueState(const QString &kinId) const;
    // A queue item was removed by the user: re-announce the queue size.
    void announceQueue(const QString &kinId);
    // The context estimate of the Kin's last turn (GET /kins/:id/context-usage); empty before the first turn.
    QJsonObject contextUsage(const QString &kinId) const { return m_contextUsage.value(kinId); }
    // The Kin is gone: stop its turns, forget its slots.
    void forgetKin(const QString &kinId);
    // Memories, knowledge and summaries join the prompt through these, asked before each turn (in parallel).
    void addContextProvider(TurnContextProvider provider) { m_contextProviders.append(std::move(provider)); }
    // Tools made for one main turn of a Kin, next to the registry's (MCP servers' tools); the turn owns them.
    using TurnToolSource = std::function<QList<std::shared_ptr<const ToolDefinition>>(const KinRecord &kin)>;
    void addTurnToolSource(TurnToolSource source) { m_toolSources.append(std::move(source)); }
    int contextWindow() const { return m_options.contextWindow; }
    // Plugin hooks (engine.md §11): beforeChat / afterChat around each main turn, beforeToolCall / afterToolCall
    // around each of its tools. Fire-and-forget; the sink must not block.
    using HookSink = std::function<void(const QString &hook, const QJsonObject &payload)>;
    void setHookSink(HookSink sink) { m_hooks = std::move(sink); }

    // Holds the Kin's main slot (compacting): the running turn finishes, no new main turn starts until every pause
    // was resumed. Items keep queueing; quick sessions are not held (they do not read the main history).
    void pauseMain(const QString &kinId);
    void resumeMain(const QString &kinId);
    bool isMainPaused(const QString &kinId) const { return m_paused.value(kinId) > 0; }

Q_SIGNALS:
    // A turn ended (after its rows were stored and chat:done was sent). For tests and the desktop notifier.
    void turnFinished(const QString &kinId, const QString &sessionId, const QString &messageId);
    // A main-conversation turn ended normally (not stopped, not failed), emitted just before turnFinished and before
    // the next item is scheduled: a direct receiver may pauseMain() and hold that next item (compacting).
    void mainTurnSettled(const QString &kinId);

private:
    struct Slot
    {
        QPointer<KinRunner> runner;
        QueueItem item;
        KinRecord kin;
        QString assistantId;
        qint64 startedAt = 0;
        bool busy = false;
        quint64 token = 0;          // tells a late context answer whether its turn is still this slot's
        bool stopRequested = false; // stop() while the context was being gathered
        QStringList injectedMemoryIds;
    };

    static QString slotKey(const QString &kinId, bool quick) { return quick ? kinId + QStringLiteral("#quick") : kinId; }
    void schedule(const QString &kinId);
    void pump(const QString &kinId);
    void startTurn(const QString &kinId, bool quick);
    bool beginItem(Slot &slot, bool quick);
    void gatherContext(const QString &key, bool quick, const ProviderService::Resolved &llm);
    void runItem(Slot &slot, bool quick, const ProviderService::Resolved &llm, const TurnContextPart &context);
    void onTurnFinished(const QString &key, const TurnOutcome &outcome);
    void failItem(const QString &key, const QString &message);
    void endItem(const QString &key, bool quick);
    void emitQueueUpdate(const QString &kinId, bool processing, qint64 startedAt = 0, const QJsonObject &extra = {});
    void publishErrorRow(const Slot &slot, bool quick, const QString &text);
    QJsonObject sourceFields(const KinRecord &kin) const;
    QJsonObject userMessageEvent(const MessageRecord &m) const;
    Speaker speakerFor(const QueueItem &item) const;
    HistoryNames namesFor(const QList<MessageRecord> &rows) const;
    QList<Attachment> attachmentsOf(const MessageRecord &m) const;
    static QString friendlyError(const llm::LlmError &error);
    void logFailure(const Status &status, const QString &what) const;

    EngineServices m_s;
    EngineOptions m_options;
    QHash<QString, Slot> m_slots;
    QList<TurnContextProvider> m_contextProviders;
    QList<TurnToolSource> m_toolSources;
    HookSink m_hooks;
    quint64 m_turnCounter = 0;
    static constexpr int kContextTimeoutMs = 10000;
    QSet<QString> m_scheduled;
    QHash<QString, QJsonObject> m_contextUsage;
    QHash<QString, int> m_paused; // kin id → pauseMain() calls not yet resumed
};

} // namespace kinbot
