#include "engine/ConversationEngine.h"

#include "engine/MessageStore.h"
#include "engine/QuickSessionStore.h"
#include "engine/ToolRegistry.h"
#include "files/UploadStore.h"
#include "events/EventBus.h"
#include "llm/LlmErrors.h"
#include "log/Logger.h"
#include "notifications/NotificationService.h"
#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <algorithm>

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QRegularExpression>

namespace kinbot {

static const QString kModule = QStringLiteral("engine");

void ConversationEngine::logFailure(const Status &status, const QString &what) const
{
    if (!status)
        m_s.logger.error(kModule, QStringLiteral("Could not ") + what, {{QStringLiteral("error"), status.error().message}});
}

ConversationEngine::ConversationEngine(EngineServices services, EngineOptions options, QObject *parent)
    : QObject(parent), m_s(services), m_options(std::move(options))
{
    qRegisterMetaType<kinbot::TurnOutcome>();
    connect(&m_s.kins, &KinService::kinRemoved, this, &ConversationEngine::forgetKin);
}

ConversationEngine::~ConversationEngine()
{
    for (Slot &slot : m_slots)
        if (slot.runner) {
            slot.runner->disconnect(this);
            delete slot.runner;
        }
}

void ConversationEngine::resume()
{
    auto recovered = m_s.queue.recoverInterrupted();
    if (recovered && recovered.value() > 0)
        m_s.logger.info(kModule, QStringLiteral("Resuming interrupted work"), {{QStringLiteral("items"), recovered.value()}});
    auto kins = m_s.queue.kinsWithPending();
    if (!kins)
        return;
    for (const QString &kinId : kins.value())
        schedule(kinId);
}

Result<QueueItem> ConversationEngine::enqueue(QueueItem item)
{
    auto stored = m_s.queue.enqueue(std::move(item));
    if (!stored)
        return stored;
    emitQueueUpdate(stored->kinId, isBusy(stored->kinId));
    schedule(stored->kinId);
    return stored;
}

void ConversationEngine::schedule(const QString &kinId)
{
    if (m_scheduled.contains(kinId))
        return;
    m_scheduled.insert(kinId);
    // Queued, not direct: the HTTP reply of the enqueue goes out first, then the turn starts in the same loop pass.
    QMetaObject::invokeMethod(this, [this, kinId] {
        m_scheduled.remove(kinId);
        pump(kinId);
    }, Qt::QueuedConnection);
}

void ConversationEngine::pump(const QString &kinId)
{
    for (bool quick : {false, true}) {
        const QString key = slotKey(kinId, quick);
        if (m_slots.value(key).busy || (!quick && isMainPaused(kinId)))
            continue;
        startTurn(kinId, quick);
    }
}

bool ConversationEngine::isBusy(const QString &kinId, const QString &sessionId) const
{
    const auto it = m_slots.constFind(slotKey(kinId, !sessionId.isEmpty()));
    if (it == m_slots.constEnd() || !it->busy)
        return false;
    return sessionId.isEmpty() || it->item.sessionId == sessionId;
}

void ConversationEngine::pauseMain(const QString &kinId)
{
    ++m_paused[kinId];
}

void ConversationEngine::resumeMain(const QString &kinId)
{
    auto it = m_paused.find(kinId);
    if (it == m_paused.end())
        return;
    if (--*it <= 0) {
        m_paused.erase(it);
        schedule(kinId); // what queued meanwhile starts now
    }
}

KinQueueState ConversationEngine::queueState(const QString &kinId) const
{
    KinQueueState st;
    st.queueSize = m_s.queue.pendingCount(kinId);
    st.isCompacting = isMainPaused(kinId);
    const auto it = m_slots.constFind(slotKey(kinId, false));
    if (it != m_slots.constEnd() && it->busy) {
        st.isProcessing = true;
        st.processingStartedAt = it->startedAt;
    }
    return st;
}

bool ConversationEngine::stop(const QString &kinId, const QString &sessionId)
{
    auto it = m_slots.find(slotKey(kinId, !sessionId.isEmpty()));
    if (it == m_slots.end() || !it->busy)
        return false;
    if (!sessionId.isEmpty() && it->item.sessionId != sessionId)
        return false;
    if (!it->runner) { // still gathering context: the turn ends as stopped before it reaches the model
        if (it->stopRequested)
            return false;
        it->stopRequested = true;
        return true;
    }
    if (it->runner->isStopping())
        return false;
    it->runner->stop();
    return true;
}

void ConversationEngine::announceQueue(const QString &kinId)
{
    emitQueueUpdate(kinId, isBusy(kinId));
}

void ConversationEngine::forgetKin(const QString &kinId)
{
    for (bool quick : {false, true}) {
        auto it = m_slots.find(slotKey(kinId, quick));
        if (it == m_slots.end())
            continue;
        if (it->runner) {
            it->runner->disconnect(this);
            it->runner->deleteLater();
        }
        m_slots.erase(it);
    }
    m_paused.remove(kinId);
}

void ConversationEngine::emitQueueUpdate(const QString &kinId, bool processing, qint64 startedAt, const QJsonObject &extra)
{
    QJsonObject p{{QStringLiteral("queueSize"), m_s.queue.pendingCount(kinId)}, {QStringLiteral("isProcessing"), processing}};
    if (startedAt > 0)
        p.insert(QStringLiteral("processingStartedAt"), startedAt);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p.insert(it.key(), it.value());
    m_s.bus.toKin(kinId, QStringLiteral("queue:update"), p);
}

QJsonObject ConversationEngine::sourceFields(const KinRecord &kin) const
{
    const QString avatar = m_s.kins.avatarUrl(kin);
    return {{QStringLiteral("sourceType"), QStringLiteral("kin")},
            {QStringLiteral("sourceId"), kin.id},
            {QStringLiteral("sourceName"), kin.name},
            {QStringLiteral("sourceAvatarUrl"), avatar.isEmpty() ? QJsonValue() : QJsonValue(avatar)}};
}

Speaker ConversationEngine::speakerFor(const QueueItem &item) const
{
    Speaker sp;
    sp.language = QStringLiteral("en");
    sp.source = item.sourceType == QLatin1String("user") ? QStringLiteral("web") : item.sourceType;
    if (item.sourceType == QLatin1String("user") && !item.sourceId.isEmpty()) {
        auto row = m_s.db.selectOne(QStringLiteral("SELECT first_name, last_name, pseudonym, language, role FROM user_profiles WHERE user_id = ?"),
                                    {item.sourceId});
        if (row && row.value()) {
            const auto &r = *row.value();
            sp.name = QStringLiteral("%1 %2 (%3)").arg(r.value(0).toString(), r.value(1).toString(), r.value(2).toString()).trimmed();
            sp.language = r.value(3).toString() == QLatin1String("fr") ? QStringLiteral("fr") : QStringLiteral("en");
            sp.role = r.value(4).toString();
        }
    } else if (item.sourceType == QLatin1String("kin")) {
        if (auto k = m_s.kins.resolve(item.sourceId)) {
            sp.name = k->name;
            sp.role = QStringLiteral("kin");
        }
    } else if (item.sourceType == QLatin1String("channel")) {
        // ChannelService writes "[<platform>:<contact name>] <text>": the sender is that contact, an outsider.
        static const QRegularExpression prefix(QStringLiteral("^\\[[a-z0-9_-]+:([^\\]\\n]+)\\]"));
        if (const auto m = prefix.match(item.content); m.hasMatch())
            sp.name = m.captured(1).trimmed();
        sp.role = QStringLiteral("external");
    }
    return sp;
}

HistoryNames ConversationEngine::namesFor(const QList<MessageRecord> &rows) const
{
    HistoryNames names;
    for (const MessageRecord &m : rows) {
        if (m.sourceId.isEmpty())
            continue;
        if (m.sourceType == QLatin1String("user") && !names.userPseudonyms.contains(m.sourceId)) {
            auto row = m_s.db.selectOne(QStringLiteral("SELECT pseudonym FROM user_profiles WHERE user_id = ?"), {m.sourceId});
            names.userPseudonyms.insert(m.sourceId, row && row.value() ? row.value()->value(0).toString() : QString());
        } else if (m.sourceType == QLatin1String("kin") && m.role == QLatin1String("user") && !names.kinNames.contains(m.sourceId)) {
            auto k = m_s.kins.resolve(m.sourceId);
            names.kinNames.insert(m.sourceId, k ? k->name : QStringLiteral("unknown"));
        }
    }
    return names;
}

QList<Attachment> ConversationEngine::attachmentsOf(const MessageRecord &m) const
{
    QList<Attachment> out;
    if (!m.metadata.contains(QStringLiteral("fileIds")))
        return out;
    auto files = m_s.uploads.ofMessage(m.id);
    if (!files)
        return out;
    for (const UploadedFile &f : files.value()) {
        Attachment a;
        a.name = f.originalName;
        a.mimeType = f.mimeType;
        a.path = m_s.uploads.absolutePath(f);
        a.size = f.size;
        if (Attachment::isImage(f.mimeType) || Attachment::isTextLike(f.mimeType))
            a.data = m_s.uploads.read(f, Attachment::isImage(f.mimeType) ? UploadStore::kMaxFileBytes : Attachment::kMaxInlineChars * 4);
        out.append(a);
    }
    return out;
}

static QString workspaceTree(const QString &root)
{
    if (root.isEmpty() || !QDir(root).exists())
        return {};
    QStringList lines;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext() && lines.size() < 50) {
        it.next();
        const QString rel = QDir(root).relativeFilePath(it.filePath());
        lines << QStringLiteral("- ") + rel + (it.fileInfo().isDir() ? QStringLiteral("/") : QString());
    }
    if (lines.size() == 1 && lines.first() == QLatin1String("- tools/"))
        return {};
    return lines.join(QLatin1Char('\n'));
}

QJsonObject ConversationEngine::userMessageEvent(const MessageRecord &m) const
{
    QJsonObject p{{QStringLiteral("id"), m.id},
                  {QStringLiteral("role"), m.role},
                  {QStringLiteral("content"), m.content},
                  {QStringLiteral("sourceType"), m.sourceType},
                  {QStringLiteral("sourceId"), m.sourceId.isEmpty() ? QJsonValue() : QJsonValue(m.sourceId)},
                  {QStringLiteral("sourceName"), QJsonValue()},
                  {QStringLiteral("sourceAvatarUrl"), QJsonValue()},
                  {QStringLiteral("files"), QJsonArray()},
                  {QStringLiteral("resolvedTaskId"), m.metadata.value(QStringLiteral("resolvedTaskId")).isUndefined()
                                                         ? QJsonValue() : m.metadata.value(QStringLiteral("resolvedTaskId"))},
                  {QStringLiteral("createdAt"), m.createdAt}};
    if (m.sourceType == QLatin1String("kin"))
        if (auto k = m_s.kins.resolve(m.sourceId))
            p.insert(QStringLiteral("sourceName"), k->name);
    if (!m.sessionId.isEmpty())
        p.insert(QStringLiteral("sessionId"), m.sessionId);
    return p;
}

void ConversationEngine::startTurn(const QString &kinId, bool quick)
{
    // Claim items until one becomes a running turn (items of vanished sessions are consumed on the way).
    for (;;) {
        auto next = m_s.queue.claimNext(kinId, quick);
        if (!next) {
            m_s.logger.error(kModule, QStringLiteral("Cannot read the queue"), {{QStringLiteral("kinId"), kinId}});
            return;
        }
        if (!next.value())
            return;
        const QString key = slotKey(kinId, quick);
        Slot &slot = m_slots[key];
        slot = Slot{};
        slot.item = *next.value();
        slot.busy = true;
        slot.startedAt = m_s.clock.nowMs();
        if (beginItem(slot, quick))
            return;
        // beginItem already closed the item (error row / skipped); go on with the next one.
    }
}

bool ConversationEngine::beginItem(Slot &slot, bool quick)
{
    const QueueItem &item = slot.item;
    const QString key = slotKey(item.kinId, quick);
    auto kin = m_s.kins.resolve(item.kinId);
    if (!kin) {
        logFailure(m_s.queue.markDone(item.id), QStringLiteral("mark a queue item done"));
        m_slots.remove(key);
        return false;
    }
    slot.kin = kin.value();
    if (quick) {
        auto session = m_s.quickSessions.find(item.sessionId);
        if (!session || !session.value() || !session.value()->isActive()) {
            logFailure(m_s.queue.markDone(item.id), QStringLiteral("mark a queue item done"));
            m_slots.remove(key);
            return false;
        }
    } else {
        emitQueueUpdate(item.kinId, true, slot.startedAt);
    }

    // The incoming row, once: a replay after a crash finds it through created_message_id.
    if (item.createdMessageId.isEmpty()) {
        MessageRecord in;
        in.kinId = item.kinId;
        in.sessionId = item.sessionId;
        // item.taskId names the task a task_result / task_input is about (metadata resolvedTaskId below); the row
        // belongs to the main conversation, not to the task's transcript, so messages.task_id stays NULL.
        in.role = QStringLiteral("user");
        in.content = item.content;
        in.sourceType = item.sourceType;
        in.sourceId = item.sourceId;
        in.requestId = item.requestId;
        in.inReplyTo = item.inReplyTo;
        in.channelOriginId = item.channelOriginId;
        if (item.sourceType == QLatin1String("task") && !item.taskId.isEmpty())
            in.metadata.insert(QStringLiteral("resolvedTaskId"), item.taskId);
        if (!item.fileIds.isEmpty())
            in.metadata.insert(QStringLiteral("fileIds"), QJsonArray::fromStringList(item.fileIds));
        auto stored = m_s.messages.insert(in);
        if (!stored) {
            failItem(key, QStringLiteral("Could not store the incoming message"));
            return false;
        }
        logFailure(m_s.queue.setCreatedMessage(item.id, stored->id), QStringLiteral("link a queue item to its message"));
        if (!item.fileIds.isEmpty())
            logFailure(m_s.uploads.attach(item.kinId, stored->id, item.fileIds), QStringLiteral("attach uploaded files"));
        slot.item.createdMessageId = stored->id;
        if (item.sourceType != QLatin1String("user"))
            m_s.bus.toKin(item.kinId, QStringLiteral("chat:message"), userMessageEvent(stored.value()));
    }

    auto llm = m_s.providers.resolveLlm(slot.kin.model, slot.kin.providerId);
    if (!llm) {
        failItem(key, llm.error().message);
        return false;
    }
    if (m_contextProviders.isEmpty()) {
        runItem(slot, quick, llm.value(), {});
        return true;
    }
    gatherContext(key, quick, llm.value());
    return true;
}

// Asks every context provider in parallel; the turn goes on when all answered, or after kContextTimeoutMs with what
// came (a slow embeddings provider must not hold the conversation).
void ConversationEngine::gatherContext(const QString &key, bool quick, const ProviderService::Resolved &llm)
{
    Slot &slot = m_slots[key];
    const quint64 token = slot.token = ++m_turnCounter;
    struct Gathering
    {
        int pending = 0;
        bool finished = false;
        TurnContextPart merged;
    };
    auto g = std::make_shared<Gathering>();
    g->pending = int(m_contextProviders.size());
    const auto finish = [this, key, quick, llm, token, g] {
        if (g->finished)
            return;
        g->finished = true;
        auto it = m_slots.find(key);
        if (it == m_slots.end() || it->token != token)
            return; // the Kin went away meanwhile
        if (it->stopRequested) {
            TurnOutcome stopped;
            stopped.aborted = true;
            onTurnFinished(key, stopped);
            return;
        }
        runItem(*it, quick, llm, g->merged);
    };
    TurnContextRequest request;
    request.kinId = slot.item.kinId;
    request.sessionId = slot.item.sessionId;
    request.quick = quick;
    request.query = slot.item.content;
    request.messageId = slot.item.createdMessageId;
    request.messageType = slot.item.messageType;
    request.sourceType = slot.item.sourceType;
    request.sourceId = slot.item.sourceId;
    request.channelOriginId = slot.item.channelOriginId;
    QTimer::singleShot(kContextTimeoutMs, this, finish);
    for (const TurnContextProvider &provider : std::as_const(m_contextProviders)) {
        provider(request, this, [this, g, finish](TurnContextPart part) {
            const auto join = [](QString &into, const QString &block) {
                if (!block.isEmpty())
                    into += (into.isEmpty() ? QString() : QStringLiteral("\n\n")) + block;
            };
            join(g->merged.memoryBlock, part.memoryBlock);
            join(g->merged.knowledgeBlock, part.knowledgeBlock);
            join(g->merged.summariesBlock, part.summariesBlock);
            join(g->merged.contactsBlock, part.contactsBlock);
            join(g->merged.channelsBlock, part.channelsBlock);
            join(g->merged.channelOriginBlock, part.channelOriginBlock);
            if (!part.speakerNotes.isEmpty())
                g->merged.speakerNotes += (g->merged.speakerNotes.isEmpty() ? QString() : QStringLiteral("\n")) + part.speakerNotes;
            g->merged.compactedMessages += part.compactedMessages;
            g->merged.injectedMemoryIds += part.injectedMemoryIds;
            if (--g->pending == 0)
                QTimer::singleShot(0, this, finish); // never re-enter the caller of done()
        });
    }
}

void ConversationEngine::runItem(Slot &slot, bool quick, const ProviderService::Resolved &llm, const TurnContextPart &context)
{
    const QueueItem &item = slot.item;
    const QString key = slotKey(item.kinId, quick);
    slot.injectedMemoryIds = context.injectedMemoryIds;

    // History and prompt.
    QList<MessageRecord> rows;
    if (quick) {
        auto r = m_s.messages.ofSession(item.sessionId);
        if (r)
            rows = r.value();
    } else {
        auto r = m_s.messages.recentMain(item.kinId, m_options.historyLimit);
        if (r)
            rows = r.value();
    }
    HistoryStats stats;
    HistoryNames names = namesFor(rows);
    names.attachments = [this](const MessageRecord &m) { return attachmentsOf(m); };
    const QList<llm::ChatMessage> history = PromptBuilder::history(rows, names, &stats);

    const QString hubId = m_s.settings.string(Setting::HubKinId);
    PromptInputs in;
    in.kin = slot.kin;
    in.quickSession = quick;
    in.isHub = hubId == slot.kin.id;
    in.globalPrompt = m_s.settings.string(Setting::GlobalPrompt);
    if (!quick) {
        if (auto all = m_s.kins.list())
            for (const KinRecord &k : all.value())
                if (k.id != slot.kin.id)
                    in.otherKins.append(k);
        in.workspaceTree = workspaceTree(slot.kin.workspacePath);
    }
    in.speaker = speakerFor(item);
    in.now = m_s.clock.now();
    in.version = m_options.version;
    in.dataDir = m_options.dataDir;
    in.uptimeSeconds = (m_s.clock.nowMs() - m_options.startedAtMs) / 1000;
    in.visibleMessages = int(rows.size());
    in.memoryBlock = context.memoryBlock;
    in.knowledgeBlock = context.knowledgeBlock;
    in.summariesBlock = context.summariesBlock;
    in.contactsBlock = context.contactsBlock;
    in.channelsBlock = context.channelsBlock;
    in.speakerNotes = context.speakerNotes;
    in.channelOriginBlock = context.channelOriginBlock;
    in.compactedMessages = context.compactedMessages;

    // Tools made for this turn (MCP servers'): their servers are named in the prompt (domain "mcp:<server>").
    QList<std::shared_ptr<const ToolDefinition>> turnTools;
    if (!quick)
        for (const TurnToolSource &source : std::as_const(m_toolSources))
            turnTools += source(slot.kin);
    for (const auto &tool : std::as_const(turnTools)) {
        if (!tool->domain.startsWith(QLatin1String("mcp:")))
            continue;
        const QString server = tool->domain.mid(4);
        auto it = std::find_if(in.mcpServers.begin(), in.mcpServers.end(), [&](const auto &p) { return p.first == server; });
        if (it == in.mcpServers.end())
            in.mcpServers.append({server, 1});
        else
            ++it->second;
    }

    TurnSpec spec;
    spec.kinId = item.kinId;
    spec.sessionId = item.sessionId;
    spec.messageId = ids::uuid();
    spec.request.model = slot.kin.model;
    spec.request.system = PromptBuilder::systemPrompt(in);
    spec.request.messages = history;
    spec.tools = m_s.tools.forTurn(slot.kin.toolConfig, in.isHub, quick, false);
    for (std::shared_ptr<const ToolDefinition> &tool : turnTools) {
        spec.tools.append(tool.get());
        spec.ownedTools.append(std::move(tool));
    }
    if (item.messageType == QLatin1String("kin_reply")) // no ping-pong between Kins
        spec.tools.removeIf([](const ToolDefinition *t) {
            return t->name == QLatin1String("send_message") || t->name == QLatin1String("reply") || t->name == QLatin1String("list_kins");
        });
    spec.toolContext.kinId = item.kinId;
    spec.toolContext.userId = item.sourceType == QLatin1String("user") ? item.sourceId : QString();
    spec.toolContext.sessionId = item.sessionId;
    spec.toolContext.messageId = spec.messageId;
    spec.toolContext.channelOriginId = item.channelOriginId;
    spec.maxSteps = spec.tools.isEmpty() ? 1 : m_options.maxSteps;
    if (!quick)
        spec.firstTokenFields = sourceFields(slot.kin);
    slot.assistantId = spec.messageId;

    if (!quick) {
        // The second start event carries the context estimate (engine.md §2.2).
        int historyTokens = 0;
        for (const llm::ChatMessage &m : history)
            historyTokens += PromptBuilder::estimateTokens(m.content);
        QJsonArray toolSchemas;
        for (const ToolDefinition *t : std::as_const(spec.tools))
            toolSchemas.append(QJsonObject{{QStringLiteral("name"), t->name}, {QStringLiteral("description"), t->description},
                                           {QStringLiteral("parameters"), t->parameters}});
        const int systemTokens = PromptBuilder::estimateTokens(spec.request.system);
        const int toolTokens = PromptBuilder::estimateTokens(QString::fromUtf8(QJsonDocument(toolSchemas).toJson(QJsonDocument::Compact)));
        const int total = systemTokens + historyTokens + toolTokens;
        const int window = m_options.contextWindow;
        const int threshold = m_s.settings.integer(Setting::CompactingThresholdPercent);
        const QJsonObject context{
            {QStringLiteral("contextTokens"), total},
            {QStringLiteral("contextWindow"), window},
            {QStringLiteral("contextBreakdown"), QJsonObject{{QStringLiteral("systemPrompt"), systemTokens}, {QStringLiteral("messages"), historyTokens},
                                                             {QStringLiteral("tools"), toolTokens}, {QStringLiteral("summary"), 0},
                                                             {QStringLiteral("total"), total}}},
            {QStringLiteral("pipelineStatus"), QJsonObject{{QStringLiteral("maskedToolGroups"), stats.maskedToolGroups},
                                                           {QStringLiteral("observationCompactedCount"), stats.observationCompactedCount},
                                                           {QStringLiteral("estimatedTokensSavedByMasking"), stats.estimatedTokensSavedByMasking},
                                                           {QStringLiteral("emergencyTrimmedCount"), 0}}},
            {QStringLiteral("compactingPercent"), int(qint64(total) * 100 / window)},
            {QStringLiteral("compactingThresholdPercent"), threshold},
            {QStringLiteral("summaryCount"), 0}};
        m_contextUsage.insert(item.kinId, context);
        QJsonObject p = context;
        p.insert(QStringLiteral("queueSize"), 0);
        p.insert(QStringLiteral("isProcessing"), true);
        p.insert(QStringLiteral("processingStartedAt"), slot.startedAt);
        m_s.bus.toKin(item.kinId, QStringLiteral("queue:update"), p);
    }

    if (m_hooks && !quick) {
        spec.hooks = m_hooks;
        m_hooks(QStringLiteral("beforeChat"), QJsonObject{{QStringLiteral("kinId"), item.kinId},
                                                          {QStringLiteral("messageId"), spec.messageId},
                                                          {QStringLiteral("content"), item.content},
                                                          {QStringLiteral("sourceType"), item.sourceType}});
    }
    auto *runner = new KinRunner(llm.client, m_s.bus, std::move(spec), this);
    slot.runner = runner;
    connect(runner, &KinRunner::finished, this, [this, key](const TurnOutcome &outcome) { onTurnFinished(key, outcome); });
    runner->start();
}

QString ConversationEngine::friendlyError(const llm::LlmError &error)
{
    switch (error.kind) {
    case llm::LlmError::Kind::RateLimited:
        return QStringLiteral("Rate limit reached — please wait a moment and try again. (%1)").arg(error.message);
    case llm::LlmError::Kind::ContextTooLong:
        return QStringLiteral("The conversation is too long for this model's context window. Compact the conversation or "
                              "pick a model with a larger window. (%1)").arg(error.message);
    case llm::LlmError::Kind::Auth:
        return QStringLiteral("The provider refused the API key: %1").arg(error.message);
    case llm::LlmError::Kind::Timeout:
        return QStringLiteral("The model did not answer in time: %1").arg(error.message);
    default:
        return error.message.isEmpty() ? QStringLiteral("The model call failed") : error.message;
    }
}

void ConversationEngine::onTurnFinished(const QString &key, const TurnOutcome &outcome)
{
    auto it = m_slots.find(key);
    if (it == m_slots.end())
        return;
    Slot &slot = *it;
    if (slot.runner)
        slot.runner->deleteLater();
    slot.runner = nullptr;
    const bool quick = !slot.item.sessionId.isEmpty();
    const QString kinId = slot.item.kinId;

    QString content = outcome.content;
    QJsonObject metadata;
    if (outcome.stepLimitReached && !outcome.toolCalls.isEmpty()) {
        content = QStringLiteral("_%1 tool call(s) completed, but the reply was cut off at the step limit (%2 steps). "
                                 "Ask me to continue if needed._")
                      .arg(outcome.toolCalls.size())
                      .arg(outcome.steps);
        QJsonObject p{{QStringLiteral("messageId"), slot.assistantId}, {QStringLiteral("token"), content}, {QStringLiteral("isFirst"), true}};
        if (quick)
            p.insert(QStringLiteral("sessionId"), slot.item.sessionId);
        m_s.bus.toKin(kinId, QStringLiteral("chat:token"), p);
        metadata.insert(QStringLiteral("stepLimitReached"), true);
        metadata.insert(QStringLiteral("maxSteps"), outcome.steps);
        metadata.insert(QStringLiteral("toolCallCount"), int(outcome.toolCalls.size()));
    }
    if (!slot.injectedMemoryIds.isEmpty())
        metadata.insert(QStringLiteral("injectedMemories"), QJsonArray::fromStringList(slot.injectedMemoryIds));
    if (outcome.usage.inputTokens || outcome.usage.outputTokens)
        metadata.insert(QStringLiteral("usage"), QJsonObject{{QStringLiteral("inputTokens"), outcome.usage.inputTokens},
                                                             {QStringLiteral("outputTokens"), outcome.usage.outputTokens}});

    // What was produced is kept, even when the turn failed half-way or was stopped.
    if (!content.isEmpty() || !outcome.toolCalls.isEmpty() || outcome.aborted) {
        MessageRecord out;
        out.id = slot.assistantId;
        out.kinId = kinId;
        out.sessionId = slot.item.sessionId;
        out.role = QStringLiteral("assistant");
        out.content = content;
        out.sourceType = QStringLiteral("kin");
        out.sourceId = kinId;
        out.toolCalls = outcome.toolCalls;
        out.channelOriginId = slot.item.channelOriginId;
        out.metadata = metadata;
        if (auto st = m_s.messages.insert(out); !st)
            m_s.logger.error(kModule, QStringLiteral("Could not store the reply"), {{QStringLiteral("kinId"), kinId}});
    }

    // Secrets the turn handled (a value the Kin stored in the vault, text it redacted) leave the message that started
    // the turn as well, so they are not replayed to the model by the next turn.
    if (outcome.redactions && !outcome.redactions->isEmpty())
        if (Status st = m_s.messages.scrub(slot.item.createdMessageId, *outcome.redactions); !st)
            m_s.logger.error(kModule, QStringLiteral("Could not redact the incoming message"), {{QStringLiteral("kinId"), kinId}});

    QJsonObject done{{QStringLiteral("messageId"), slot.assistantId}, {QStringLiteral("content"), content}};
    if (quick) {
        done.insert(QStringLiteral("sessionId"), slot.item.sessionId);
    } else {
        const QJsonObject src = sourceFields(slot.kin);
        for (auto f = src.begin(); f != src.end(); ++f)
            done.insert(f.key(), f.value());
        if (outcome.stepLimitReached)
            done.insert(QStringLiteral("stepLimitReached"), true);
    }
    m_s.bus.toKin(kinId, QStringLiteral("chat:done"), done);
    if (m_hooks && !quick)
        m_hooks(QStringLiteral("afterChat"), QJsonObject{{QStringLiteral("kinId"), kinId},
                                                         {QStringLiteral("messageId"), slot.assistantId},
                                                         {QStringLiteral("content"), content},
                                                         {QStringLiteral("aborted"), outcome.aborted}});

    if (outcome.error) {
        m_s.logger.warn(kModule, QStringLiteral("Turn failed"),
                        {{QStringLiteral("kinId"), kinId}, {QStringLiteral("kind"), llm::kindName(outcome.error->kind)},
                         {QStringLiteral("message"), outcome.error->message}});
        failItem(key, friendlyError(*outcome.error));
        schedule(kinId);
        return;
    }
    const QString sessionId = slot.item.sessionId;
    const QString messageId = slot.assistantId;
    const bool settled = !quick && !outcome.aborted;
    endItem(key, quick);
    if (settled)
        Q_EMIT mainTurnSettled(kinId);
    Q_EMIT turnFinished(kinId, sessionId, messageId);
    schedule(kinId);
}

void ConversationEngine::publishErrorRow(const Slot &slot, bool quick, const QString &text)
{
    MessageRecord row;
    row.kinId = slot.item.kinId;
    row.sessionId = slot.item.sessionId;
    row.role = QStringLiteral("assistant");
    row.content = QStringLiteral("⚠️ ") + text;
    row.sourceType = QStringLiteral("system");
    auto stored = m_s.messages.insert(row);
    if (!stored)
        return;
    QJsonObject p{{QStringLiteral("id"), stored->id},
                  {QStringLiteral("role"), QStringLiteral("assistant")},
                  {QStringLiteral("content"), stored->content},
                  {QStringLiteral("sourceType"), QStringLiteral("system")},
                  {QStringLiteral("createdAt"), stored->createdAt}};
    if (quick)
        p.insert(QStringLiteral("sessionId"), slot.item.sessionId);
    m_s.bus.toKin(slot.item.kinId, QStringLiteral("chat:message"), p);
}

void ConversationEngine::failItem(const QString &key, const QString &message)
{
    auto it = m_slots.find(key);
    if (it == m_slots.end())
        return;
    const Slot slot = *it;
    const bool quick = !slot.item.sessionId.isEmpty();
    // Unlike the reference (which drops a turn without a provider silently), every failure leaves a visible row.
    publishErrorRow(slot, quick, message);
    QJsonObject err{{QStringLiteral("error"), message}};
    if (quick)
        err.insert(QStringLiteral("sessionId"), slot.item.sessionId);
    m_s.bus.toKin(slot.item.kinId, QStringLiteral("kin:error"), err);
    NotificationInput n;
    n.type = QStringLiteral("kin:error");
    n.title = QStringLiteral("%1 ran into a problem").arg(slot.kin.name.isEmpty() ? QStringLiteral("A Kin") : slot.kin.name);
    n.body = message;
    n.kinId = slot.item.kinId;
    n.relatedId = slot.item.kinId;
    n.relatedType = QStringLiteral("kin");
    if (auto sent = m_s.notifications.notifyAll(n); !sent)
        logFailure(sent.error(), QStringLiteral("notify the users"));
    endItem(key, quick);
}

void ConversationEngine::endItem(const QString &key, bool quick)
{
    auto it = m_slots.find(key);
    if (it == m_slots.end())
        return;
    const QString kinId = it->item.kinId;
    logFailure(m_s.queue.markDone(it->item.id), QStringLiteral("mark a queue item done"));
    m_slots.erase(it);
    if (!quick)
        emitQueueUpdate(kinId, false);
}

} // namespace kinbot
