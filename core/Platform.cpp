#include "Platform.h"

#include "api/AccountsController.h"
#include "api/AuthController.h"
#include "api/ChannelsController.h"
#include "api/CompactingController.h"
#include "api/ContactsController.h"
#include "api/CronsController.h"
#include "api/NotificationsController.h"
#include "api/PromptsController.h"
#include "api/TasksController.h"
#include "api/FileStorageController.h"
#include "api/KinWizardController.h"
#include "api/KinsController.h"
#include "api/KnowledgeController.h"
#include "api/McpServersController.h"
#include "api/PluginsController.h"
#include "api/MiniAppBackendController.h"
#include "api/MiniAppEventStreams.h"
#include "api/MiniAppsController.h"
#include "api/MemoriesController.h"
#include "api/MessagesController.h"
#include "api/ProvidersController.h"
#include "api/QuickSessionsController.h"
#include "api/RouteTable.h"
#include "api/SettingsController.h"
#include "api/SystemController.h"
#include "api/VaultController.h"
#include "api/WebhooksController.h"
#include "auth/AccountService.h"
#include "channels/ChannelService.h"
#include "channels/SignalAdapter.h"
#include "channels/DiscordAdapter.h"
#include "channels/MatrixAdapter.h"
#include "channels/SlackAdapter.h"
#include "channels/TelegramAdapter.h"
#include "channels/WhatsAppAdapter.h"
#include "contacts/ContactPromptBlocks.h"
#include "auth/ApiKeyService.h"
#include "auth/InvitationService.h"
#include "auth/ProfileService.h"
#include "auth/SessionStore.h"
#include "compacting/CompactingService.h"
#include "contacts/ContactService.h"
#include "crypto/EncryptionKey.h"
#include "crypto/SecretBox.h"
#include "engine/ConversationEngine.h"
#include "engine/MessageStore.h"
#include "engine/QueueStore.h"
#include "engine/QuickSessionStore.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ChannelTools.h"
#include "engine/tools/ContactTools.h"
#include "engine/tools/CoreTools.h"
#include "engine/tools/CronTools.h"
#include "engine/tools/FileStorageTools.h"
#include "engine/tools/InterKinTools.h"
#include "engine/tools/KnowledgeTools.h"
#include "engine/tools/McpTools.h"
#include "engine/tools/PluginTools.h"
#include "engine/tools/MiniAppTools.h"
#include "engine/tools/MemoryTools.h"
#include "engine/tools/VaultTools.h"
#include "engine/tools/WakeupTools.h"
#include "engine/tools/WebhookTools.h"
#include "files/FileStorage.h"
#include "files/UploadStore.h"
#include "kins/KinService.h"
#include "knowledge/KnowledgeService.h"
#include "miniapps/MiniAppHttpProxy.h"
#include "miniapps/JsTranspiler.h"
#include "miniapps/MiniAppService.h"
#include "miniapps/backend/BackendHost.h"
#include "memory/EmbeddingService.h"
#include "memory/MemoryExtraction.h"
#include "memory/MemoryMaintenance.h"
#include "memory/MemoryService.h"
#include "mcp/McpService.h"
#include "plugins/PluginService.h"
#include "notifications/NotificationRetention.h"
#include "notifications/NotificationService.h"
#include "prompts/PromptService.h"
#include "engine/tools/PromptTools.h"
#include "engine/tools/TaskTools.h"
#include "tasks/TaskService.h"
#include "tasks/TaskSessions.h"
#include "providers/ProviderService.h"
#include "scheduling/CronService.h"
#include "scheduling/Scheduler.h"
#include "scheduling/WakeupService.h"
#include "events/EventBus.h"
#include "http/AuthGuard.h"
#include "http/Exchange.h"
#include "http/HttpServer.h"
#include "http/SseHub.h"
#include "log/Logger.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "storage/Migrator.h"
#include "system/VersionChecker.h"
#include "util/Clock.h"
#include "vault/VaultService.h"
#include "webhooks/WebhookService.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>

static void initResources()
{
    Q_INIT_RESOURCE(migrations);
    Q_INIT_RESOURCE(web);
    Q_INIT_RESOURCE(sdk);
    Q_INIT_RESOURCE(templates);
}

namespace kinbot {

QString kinbotVersion()
{
    return QStringLiteral(KINBOT_VERSION);
}

Platform::Platform(ServerConfig config, const Clock &clock, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_clock(clock)
{
    initResources();
    m_cpuPool.setMaxThreadCount(2); // scrypt costs 16 MiB each: bound the parallelism
    m_bus = std::make_unique<EventBus>();
    m_logger = std::make_unique<Logger>(*m_bus, m_clock, m_config.logBufferSize, logLevelFromName(m_config.logLevel), !m_config.quiet);
}

Platform::~Platform()
{
    m_http.reset(); // stop serving before the services go
    m_wakeups.reset(); // no wake-up fires into a queue that is going away
    m_crons.reset();
    m_webhooks.reset();
    m_taskSessions.reset(); // running sub-Kin turns hold clients of the network manager
    m_channels.reset(); // adapters stop polling
    m_notificationRetention.reset();
    m_scheduler.reset();
    m_sweepTimer.stop();
    m_compacting.reset(); // summaries being written hold clients too; it also points at the engine
    m_engine.reset(); // running turns hold clients of the network manager
    m_mcp.reset(); // kills the MCP server processes (after the turns that call them)
    m_plugins.reset(); // stops the plugin engines and their threads (after the turns that call them)
    m_hub.reset();
    m_cpuPool.waitForDone();
}

void Platform::sweepStoredFiles()
{
    if (auto swept = m_fileStorage->sweepExpired(); !swept)
        m_logger->error(QStringLiteral("files"), QStringLiteral("Expired file sweep failed"), {{QStringLiteral("error"), swept.error().message}});
}

QString Platform::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

Result<quint16> Platform::start()
{
    QDir dir;
    if (!dir.mkpath(m_config.dataDir))
        return ApiError::internal(QStringLiteral("Cannot create data dir ") + m_config.dataDir);
    QFile::setPermissions(m_config.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString uploadsDir = m_config.dataDir + QStringLiteral("/uploads");
    dir.mkpath(uploadsDir);
    const QString vaultDir = m_config.dataDir + QStringLiteral("/vault");
    dir.mkpath(vaultDir);
    QFile::setPermissions(vaultDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    auto key = EncryptionKey::loadOrCreate(m_config.dataDir, m_config.encryptionKeyHex);
    if (!key)
        return key.error();

    m_db = std::make_unique<Database>(m_config.dataDir + QStringLiteral("/kinbot.db"));
    // Credential caches (PrincipalCache) mirror these tables and drop their entries on any write to them.
    m_db->watchTables({QStringLiteral("user"), QStringLiteral("user_profiles"), QStringLiteral("session"), QStringLiteral("api_keys")});
    if (!m_db->connection().isOpen())
        return ApiError::internal(QStringLiteral("Cannot open the database in ") + m_config.dataDir);
    Migrator migrator(*m_db, m_clock);
    auto applied = migrator.migrate(Migrator::bundled());
    if (!applied)
        return applied.error();
    if (!applied->isEmpty())
        m_logger->info(QStringLiteral("db"), QStringLiteral("Migrations applied"), {{QStringLiteral("count"), int(applied->size())}});

    m_settings = std::make_unique<SettingsStore>(*m_db, m_clock);
    if (Status st = m_settings->load(); !st)
        return st.error();

    const QByteArray authSecret = m_config.authSecret.isEmpty() ? key->hex().toLatin1() : m_config.authSecret.toUtf8();
    m_accounts = std::make_unique<AccountService>(*m_db, m_clock);
    m_sessions = std::make_unique<SessionStore>(*m_db, m_clock, authSecret);
    m_apiKeys = std::make_unique<ApiKeyService>(*m_db, m_clock);
    m_invitations = std::make_unique<InvitationService>(*m_db, m_clock, m_config.effectivePublicUrl(m_config.port));
    m_profiles = std::make_unique<ProfileService>(*m_db, m_clock, *m_accounts, *m_invitations);
    m_guard = std::make_unique<AuthGuard>(*m_sessions, *m_apiKeys);
    m_hub = std::make_unique<SseHub>(*m_bus, m_clock, *m_logger, m_config.sseKeepAliveMs);
    m_versions = std::make_unique<VersionChecker>(*m_settings, *m_bus, m_clock, *m_logger, m_config.versionCheckUrl, kinbotVersion());

    const qint64 startedAt = m_clock.nowMs();
    m_network = std::make_unique<QNetworkAccessManager>();
    m_secretBox = std::make_unique<SecretBox>(key->raw());
    m_providers = std::make_unique<ProviderService>(*m_db, *m_secretBox, *m_network, *m_bus, m_clock, *m_logger);
    m_embeddings = std::make_unique<memory::EmbeddingService>(*m_providers, *m_settings, *m_network);
    m_providers->setEmbeddingProbe([this](const llm::ProviderConfig &config, QObject *context, std::function<void(QString)> done) {
        std::shared_ptr<memory::EmbeddingClient> client(memory::makeEmbeddingClient(*m_network, config));
        if (!client)
            return done(QStringLiteral("Provider type %1 has no embeddings API").arg(config.type));
        memory::EmbeddingRequest probe;
        probe.texts = {QStringLiteral("ping")};
        client->embed(probe, context, [client, done](Result<memory::Embeddings> r) { done(r ? QString() : r.error().message); });
    });
    m_kins = std::make_unique<KinService>(*m_db, *m_bus, *m_settings, m_clock, m_config.dataDir + QStringLiteral("/workspaces"), uploadsDir);
    m_messages = std::make_unique<MessageStore>(*m_db, m_clock);
    m_queue = std::make_unique<QueueStore>(*m_db, m_clock);
    m_quickSessions = std::make_unique<QuickSessionStore>(*m_db, m_clock);
    m_notifications = std::make_unique<NotificationService>(*m_db, *m_bus, m_clock);
    m_uploads = std::make_unique<UploadStore>(*m_db, m_clock, uploadsDir);
    const QString storageDir = m_config.dataDir + QStringLiteral("/storage");
    m_fileStorage = std::make_unique<FileStorage>(*m_db, m_clock, storageDir);
    m_vault = std::make_unique<VaultService>(*m_db, *m_secretBox, m_clock, *m_logger, vaultDir);
    m_vault->checkKey();
    KnowledgeOptions knowledgeOptions;
    knowledgeOptions.filesDir = m_config.dataDir + QStringLiteral("/knowledge");
    knowledgeOptions.allowPrivateNetwork = m_config.allowPrivateNetwork;
    m_knowledge = std::make_unique<KnowledgeService>(*m_db, *m_bus, *m_embeddings, *m_network, m_cpuPool, m_clock, *m_logger,
                                                     knowledgeOptions);
    m_tools = std::make_unique<ToolRegistry>();
    registerCoreTools(*m_tools, CoreToolDeps{*m_kins, *m_notifications, *m_network, m_clock, kinbotVersion(), startedAt,
                                             m_config.allowPrivateNetwork});
    EngineOptions engineOptions;
    engineOptions.maxSteps = m_config.toolsMaxSteps;
    engineOptions.version = kinbotVersion();
    engineOptions.dataDir = m_config.dataDir;
    engineOptions.startedAtMs = startedAt;
    engineOptions.contextWindow = m_config.contextWindow;
    m_engine = std::make_unique<ConversationEngine>(
        EngineServices{*m_db, m_clock, *m_bus, *m_settings, *m_kins, *m_providers, *m_messages, *m_queue, *m_quickSessions, *m_tools,
                       *m_notifications, *m_uploads, *m_logger},
        engineOptions);
    m_compacting = std::make_unique<CompactingService>(CompactingService::Deps{*m_db, m_clock, *m_bus, *m_settings, *m_kins, *m_providers,
                                                                               *m_messages, *m_engine, *m_vault, *m_logger});
    m_compacting->attach();
    InterKinToolDeps interKin{*m_kins, *m_engine, *m_messages, *m_db, *m_bus, m_clock};
    m_interKinTaskHooks = interKin.taskHooks; // filled once the tasks service exists
    registerInterKinTools(*m_tools, interKin);
    registerFileStorageTools(*m_tools, FileStorageToolDeps{*m_fileStorage, *m_kins, m_cpuPool,
                                                           [this] { return m_config.effectivePublicUrl(m_port); }});
    registerVaultTools(*m_tools, VaultToolDeps{*m_vault, *m_messages});
    m_memoryStore = std::make_unique<memory::MemoryStore>(*m_db, m_clock);
    m_memories = std::make_unique<memory::MemoryService>(*m_memoryStore, *m_embeddings, *m_bus, m_clock, m_cpuPool);
    m_memories->setPromptLimits(m_config.memoryMaxRelevant, m_config.memoryTokenBudget);
    if (Status st = m_memories->loadIndex(); !st)
        return st.error();
    m_extractor = std::make_unique<memory::MemoryExtractor>(*m_memories, *m_providers, *m_settings, *m_kins);
    m_maintenance = std::make_unique<memory::MemoryMaintenance>(*m_memories, *m_providers, *m_settings, *m_kins, m_clock);
    registerMemoryTools(*m_tools, *m_memories, *m_maintenance);
    // Per-turn extraction (opt-in): the exchange that just ended, main conversations only.
    connect(m_engine.get(), &ConversationEngine::turnFinished, this, [this](const QString &kinId, const QString &sessionId) {
        if (!sessionId.isEmpty() || !m_extractor->afterTurns())
            return;
        auto recent = m_messages->recentMain(kinId, 6);
        if (!recent)
            return;
        m_extractor->extract(kinId, recent.value(), [this, kinId](Result<int> r) {
            if (!r)
                m_logger->warn(QStringLiteral("memory"), QStringLiteral("Memory extraction failed"),
                               {{QStringLiteral("kinId"), kinId}, {QStringLiteral("error"), r.error().message}});
        });
    });
    // At compaction (the default): extraction from the batch being summarised (vault values already replaced), then
    // the upkeep of the Kin's memories — recalibration, pruning, consolidation (engine.md §4.7).
    m_compacting->setExtractionHook([this](const QString &kinId, const QList<MessageRecord> &batch, std::function<void(int)> done) {
        if (!m_extractor->atCompaction())
            return done(0);
        m_extractor->extract(kinId, batch, [this, kinId, done](Result<int> r) {
            if (!r)
                m_logger->warn(QStringLiteral("memory"), QStringLiteral("Memory extraction failed"),
                               {{QStringLiteral("kinId"), kinId}, {QStringLiteral("error"), r.error().message}});
            const int extracted = r ? r.value() : 0;
            (void)m_maintenance->recalibrateAndPrune(kinId);
            m_maintenance->consolidate(kinId, [done, extracted](Result<int>) { done(extracted); });
        });
    });
    m_engine->addContextProvider([this](const TurnContextRequest &r, QObject *ctx, std::function<void(TurnContextPart)> done) {
        m_memories->provideContext(r, ctx, std::move(done));
    });
    registerKnowledgeTools(*m_tools, *m_knowledge);
    // One scheduler for everything timed by the clock; wake-ups put their messages in the Kins' queues.
    m_scheduler = std::make_unique<Scheduler>(m_clock);
    m_wakeups = std::make_unique<WakeupService>(*m_db, m_clock, *m_scheduler, *m_kins, *m_logger,
                                                [this](QueueItem item) { return m_engine->enqueue(std::move(item)); });
    registerWakeupTools(*m_tools, *m_wakeups, *m_kins, m_clock);
    // Crons: rows, approval and schedule here; a run spawns a task through a CronTaskSpawner (none yet: see CronService.h).
    m_crons = std::make_unique<CronService>(CronService::Deps{*m_db, m_clock, *m_scheduler, *m_kins, *m_bus, *m_notifications, *m_logger},
                                            m_config.timeZone.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(m_config.timeZone.toUtf8()));
    registerCronTools(*m_tools, *m_crons, *m_kins);
    // Human prompts: an answer reaches the Kin as a user message in its queue.
    m_prompts = std::make_unique<PromptService>(*m_db, *m_bus, m_clock, *m_notifications,
                                                [this](QueueItem item) { return m_engine->enqueue(std::move(item)); });
    registerPromptTools(*m_tools, *m_prompts);
    // Tasks / sub-Kins: results reach the parent through its queue; sub-Kin turns run beside the main conversation.
    m_tasks = std::make_unique<TaskService>(TaskService::Deps{*m_db, m_clock, *m_bus, *m_kins, *m_messages, *m_logger, *m_scheduler,
                                                              [this](QueueItem item) { return m_engine->enqueue(std::move(item)); },
                                                              [this](const QString &kinId) { m_engine->announceQueue(kinId); }});
    m_taskSessions = std::make_unique<TaskSessions>(
        TaskSessions::Deps{m_clock, *m_bus, *m_kins, *m_providers, *m_messages, *m_tools, *m_settings, *m_logger, *m_tasks},
        TaskSessions::Options{engineOptions.maxSteps, engineOptions.version, engineOptions.dataDir, startedAt});
    m_tasks->setExecution(m_taskSessions.get());
    if (Status st = m_tasks->recover(); !st)
        return st.error();
    m_crons->setSpawner(m_tasks.get());
    registerTaskTools(*m_tools, *m_tasks, *m_kins, *m_messages, *m_crons);
    connect(m_kins.get(), &KinService::kinRemoved, m_tasks.get(), &TaskService::forgetKin);
    // A request a task sends to another Kin suspends it until the reply (or the timeout).
    m_interKinTaskHooks->admit = [this](const QString &taskId) { return m_tasks->admitKinRequest(taskId); };
    m_interKinTaskHooks->sent = [this](const QString &taskId, const QString &requestId, const QString &target) {
        (void)m_tasks->awaitKin(taskId, requestId, target);
    };
    m_interKinTaskHooks->replied = [this](const QString &requestId, const QString &fromKinId, const QString &message) {
        return m_tasks->deliverKinReply(requestId, fromKinId, message);
    };
    // Prompts asked from a task wait in the task; cancelling it cancels them.
    m_tasks->setPromptCanceller([this](const QString &taskId) { (void)m_prompts->cancelForTask(taskId); });
    m_prompts->setTaskHooks({[this](const QString &taskId) { return m_tasks->admitHumanPrompt(taskId); },
                             [this](const QString &taskId) { (void)m_tasks->awaitHuman(taskId); },
                             [this](const QString &taskId, const QString &text) { return m_tasks->humanAnswered(taskId, text); }});
    // Webhooks: a payload reaches the Kin as a message in its queue, or (task mode) starts an async task.
    m_webhooks = std::make_unique<WebhookService>(WebhookService::Deps{*m_db, m_clock, *m_scheduler, *m_kins, *m_bus, *m_logger,
                                                                       [this](QueueItem item) { return m_engine->enqueue(std::move(item)); }});
    m_webhooks->setSpawner(m_tasks.get());
    registerWebhookTools(*m_tools, *m_webhooks);
    connect(m_kins.get(), &KinService::kinRemoved, m_webhooks.get(), &WebhookService::forgetKin);
    // MCP servers: their tools join a Kin's main turns; the servers are connected while the turn's context is gathered.
    McpOptions mcpOptions;
    mcpOptions.timeouts.connectMs = m_config.mcpConnectTimeoutMs;
    mcpOptions.timeouts.callMs = m_config.mcpCallTimeoutMs;
    mcpOptions.requireApproval = m_config.mcpRequireApproval;
    m_mcp = std::make_unique<McpService>(*m_db, *m_secretBox, *m_bus, m_clock, *m_notifications, *m_kins, *m_network, *m_logger, mcpOptions);
    registerMcpTools(*m_tools, *m_mcp);
    m_engine->addContextProvider([this](const TurnContextRequest &r, QObject *ctx, std::function<void(TurnContextPart)> done) {
        if (r.quick)
            return done({});
        m_mcp->prepareKin(r.kinId, ctx, [done] { done({}); });
    });
    m_engine->addTurnToolSource([this](const KinRecord &kin) { return mcpTurnTools(*m_mcp, kin); });
    // Tasks use the Kin's MCP tools too (their servers are connected before each of the task's turns).
    m_taskSessions->addToolSource([this](const KinRecord &kin) { return mcpTurnTools(*m_mcp, kin); },
                                  [this](const QString &kinId, QObject *ctx, std::function<void()> ready) {
                                      m_mcp->prepareKin(kinId, ctx, std::move(ready));
                                  });
    // Plugins (<dataDir>/plugins): each enabled one runs in its own engine on the mini-app backend host; their tools
    // join the main turns of the Kins that opted in, their hooks hear the engine.
    plugins::PluginOptions pluginOptions;
    pluginOptions.pluginsDir = m_config.dataDir + QStringLiteral("/plugins");
    pluginOptions.appVersion = kinbotVersion();
    pluginOptions.backend.timeoutMs = m_config.pluginTimeoutMs; // activate() and each tool / hook call
    pluginOptions.backend.allowPrivateNetwork = m_config.allowPrivateNetwork;
    m_plugins = std::make_unique<plugins::PluginService>(*m_db, *m_secretBox, *m_bus, m_clock, *m_notifications, *m_logger, pluginOptions);
    m_engine->addTurnToolSource([this](const KinRecord &kin) {
        return pluginTurnTools(*m_plugins, kin, m_settings->string(Setting::HubKinId) == kin.id);
    });
    m_engine->setHookSink([this](const QString &hook, const QJsonObject &payload) { m_plugins->fireHook(hook, payload); });
    m_plugins->start();
    m_notificationRetention = std::make_unique<NotificationRetention>(
        *m_notifications, *m_scheduler, m_clock, *m_logger,
        m_config.timeZone.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(m_config.timeZone.toUtf8()));
    // A Kin going away takes its wake-ups and crons along (rows cascade; jobs and cron events here).
    connect(m_kins.get(), &KinService::kinRemoved, m_wakeups.get(), &WakeupService::forgetKin);
    connect(m_kins.get(), &KinService::kinRemoved, m_crons.get(), &CronService::forgetKin);
    // Contacts: the Kins' shared address book; every profiled user has their own contact (made at onboarding).
    m_contacts = std::make_unique<ContactService>(*m_db, *m_bus, m_clock);
    registerContactTools(*m_tools, *m_contacts, *m_kins);
    m_profiles->setProfileCreatedHook([this](const QString &userId, const QString &name, const QString &email) {
        if (Status st = m_contacts->ensureUserContact(userId, name, email); !st)
            m_logger->warn(QStringLiteral("contacts"), QStringLiteral("The user's contact could not be created"),
                           {{QStringLiteral("userId"), userId}, {QStringLiteral("error"), st.error().message}});
    });
    if (auto made = m_contacts->backfillUserContacts(); !made)
        m_logger->warn(QStringLiteral("contacts"), QStringLiteral("User contacts backfill failed"), {{QStringLiteral("error"), made.error().message}});
    // Channels: messages from outside platforms reach the Kin through its queue; its reply goes back after the turn.
    m_channels = std::make_unique<ChannelService>(ChannelService::Deps{*m_db, m_clock, *m_bus, *m_kins, *m_contacts, *m_vault, *m_notifications,
                                                                       *m_messages, *m_logger,
                                                                       [this](QueueItem item) { return m_engine->enqueue(std::move(item)); },
                                                                       *m_uploads});
    m_channels->addAdapter(std::make_unique<TelegramAdapter>(*m_network, m_config.telegramApiUrl));
    m_channels->addAdapter(std::make_unique<SlackAdapter>(*m_network, m_config.slackApiUrl));
    m_channels->addAdapter(std::make_unique<WhatsAppAdapter>(*m_network, m_config.whatsappApiUrl));
    m_channels->addAdapter(std::make_unique<SignalAdapter>(*m_network)); // the bridge's URL is each channel's own
    registerChannelTools(*m_tools, *m_channels, *m_kins, m_config.dataDir);
    m_channels->addAdapter(std::make_unique<MatrixAdapter>(*m_network));
    m_channels->addAdapter(std::make_unique<DiscordAdapter>(*m_network, m_config.discordApiUrl, m_config.discordGatewayUrl));
    connect(m_engine.get(), &ConversationEngine::turnFinished, m_channels.get(), &ChannelService::onTurnFinished);
    connect(m_kins.get(), &KinService::kinRemoved, m_channels.get(), &ChannelService::forgetKin);
    // The prompt's people and channel blocks (main turns): known contacts, what the Kin knows of the speaker, its
    // channels, and where a follow-up's answer goes.
    m_engine->addContextProvider([this](const TurnContextRequest &r, QObject *, std::function<void(TurnContextPart)> done) {
        if (r.quick)
            return done({});
        TurnContextPart part = m_channels->promptContext(r);
        if (auto all = m_contacts->list()) {
            QList<Contact> others = all.value();
            others.removeIf([&r](const Contact &c) { return c.linkedKinId == r.kinId; }); // not itself
            part.contactsBlock = contactprompt::knownContacts(others, [this](const QString &kinId) {
                auto k = m_kins->resolve(kinId);
                return k ? k->slug : QString();
            });
        }
        Result<std::optional<Contact>> speaker = std::optional<Contact>();
        if (r.sourceType == QLatin1String("user"))
            speaker = m_contacts->byLinkedUser(r.sourceId);
        else if (r.sourceType == QLatin1String("channel"))
            if (auto sender = m_channels->originSender(r.channelOriginId))
                speaker = m_contacts->byPlatformId(sender->first, sender->second);
        if (speaker && speaker.value())
            part.speakerNotes = contactprompt::speakerNotes(*speaker.value(), r.kinId);
        done(part);
    });
    m_engine->addContextProvider(m_knowledge->contextProvider());
    m_kins->setQueueLookup([this](const QString &kinId) { return m_engine->queueState(kinId); });
    // A Kin talks through its provider: an embeddings-only type (Voyage, Jina, Nomic) cannot be one.
    m_kins->setProviderCheck([this](const QString &providerId) {
        auto p = m_providers->find(providerId);
        const llm::ProviderType *type = p ? llm::findProviderType(p->type) : nullptr;
        return type && type->capabilities.contains(QLatin1String("llm"));
    });
    m_notifications->setKinInfoLookup([this](const QString &kinId) {
        auto k = m_kins->resolve(kinId);
        return k ? NotificationService::KinInfo{k->name, k->slug, m_kins->avatarUrl(k.value())} : NotificationService::KinInfo{};
    });

    m_authController = std::make_unique<AuthController>(*m_accounts, *m_sessions, *m_hub, m_cpuPool, m_clock, *m_logger);
    m_accountsController = std::make_unique<AccountsController>(*m_profiles, *m_accounts, *m_invitations, *m_apiKeys, *m_hub,
                                                                m_clock, *m_logger, uploadsDir);
    m_settingsController = std::make_unique<SettingsController>(*m_settings, *m_bus);
    m_systemController = std::make_unique<SystemController>(m_clock, *m_logger, *m_hub, *m_versions, uploadsDir, kinbotVersion());
    m_settingsController->setKinLookup([this](const QString &idOrSlug) -> std::optional<SettingsController::KinRef> {
        auto k = m_kins->resolve(idOrSlug);
        if (!k)
            return std::nullopt;
        return SettingsController::KinRef{k->id, k->name, k->slug};
    });
    m_providersController = std::make_unique<ProvidersController>(*m_providers);
    m_kinsController = std::make_unique<KinsController>(*m_kins, *m_tools, *m_settings, *m_engine, m_clock,
                                                        [this](const QString &model) { return bool(m_providers->resolveLlm(model, {})); });
    m_kinsController->setMcpHooks({[this](const QJsonObject &body) { return m_mcp->checkKinBody(body); },
                                   [this](const QString &kinId, const QJsonObject &body) { return m_mcp->applyKinBody(kinId, body); },
                                   [this](const KinRecord &kin) { return m_mcp->kinServers(kin.id); },
                                   [this](const KinRecord &kin) { return m_mcp->kinToolListing(kin); }});
    m_kinsController->setUsageDecorator([this](const KinRecord &kin, QJsonObject usage) { return m_compacting->decorateUsage(kin, std::move(usage)); });
    m_kinWizardController = std::make_unique<KinWizardController>(*m_providers, *m_kins, *m_settings, *m_tools);
    m_messagesController = std::make_unique<MessagesController>(*m_kins, *m_messages, *m_queue, *m_engine, *m_bus, *m_db, *m_notifications,
                                                                *m_uploads);
    m_quickSessionsController = std::make_unique<QuickSessionsController>(*m_kins, *m_quickSessions, *m_messages, *m_engine, *m_bus, m_clock,
                                                                          *m_uploads);
    m_fileStorageController = std::make_unique<FileStorageController>(*m_fileStorage, *m_kins, m_cpuPool, m_clock);
    // A deleted Kin's stored files go with it (the rows cascade; the bytes are here).
    connect(m_kins.get(), &KinService::kinRemoved, this,
            [storageDir](const QString &kinId) { QDir(storageDir + QLatin1Char('/') + kinId).removeRecursively(); });
    m_vaultController = std::make_unique<VaultController>(*m_vault, m_cpuPool);
    m_memoriesController = std::make_unique<MemoriesController>(*m_memories, *m_maintenance, *m_kins, *m_settings);
    m_compactingController = std::make_unique<CompactingController>(*m_kins, *m_compacting);
    m_knowledgeController = std::make_unique<KnowledgeController>(*m_knowledge, *m_kins);
    m_cronsController = std::make_unique<CronsController>(*m_crons, *m_kins);
    m_contactsController = std::make_unique<ContactsController>(*m_contacts, *m_kins);
    m_notificationsController = std::make_unique<NotificationsController>(*m_notifications);
    m_promptsController = std::make_unique<PromptsController>(*m_prompts, *m_kins);
    m_webhooksController = std::make_unique<WebhooksController>(*m_webhooks, *m_kins);
    m_mcpServersController = std::make_unique<McpServersController>(*m_mcp);
    m_tasksController = std::make_unique<TasksController>(*m_tasks, *m_kins, *m_messages);
    m_channelsController = std::make_unique<ChannelsController>(*m_channels, *m_kins);
    m_pluginsController = std::make_unique<PluginsController>(*m_plugins, kinbotVersion());
    m_kinsController->setExtraToolGroups([this](const KinRecord &kin, bool isHub) { return pluginToolListing(*m_plugins, kin, isHub); });
    // A deleted Kin's knowledge rows cascade; its vectors and uploaded documents go here.
    connect(m_kins.get(), &KinService::kinRemoved, m_knowledge.get(), &KnowledgeService::forgetKin);
    MiniAppFiles::Limits miniAppLimits;
    miniAppLimits.maxFileBytes = m_config.miniAppMaxFileBytes;
    miniAppLimits.maxAppBytes = m_config.miniAppMaxAppBytes;
    m_miniApps = std::make_unique<MiniAppService>(*m_db, *m_bus, m_clock, *m_kins,
                                                  MiniAppFiles(m_config.dataDir + QStringLiteral("/mini-apps"), miniAppLimits));
    registerMiniAppTools(*m_tools, *m_miniApps, *m_providers);
    m_miniAppStreams = std::make_unique<MiniAppEventStreams>(m_clock, m_config.miniAppPingMs);
    m_miniAppProxy = std::make_unique<MiniAppHttpProxy>(*m_network, m_clock, m_config.allowPrivateNetwork, MiniAppHttpProxy::Limits{});
    m_miniAppsController = std::make_unique<MiniAppsController>(*m_miniApps, *m_miniAppStreams, *m_miniAppProxy, *m_memories,
                                                                *m_providers, m_clock, m_cpuPool);
    m_miniAppsController->setJsxTransform(&miniapps::JsTranspiler::transformJsx);
    m_miniAppBridge = std::make_unique<MiniAppBackendBridge>(m_miniApps->storage(), *m_miniAppStreams);
    miniapps::BackendOptions backendOptions;
    backendOptions.allowPrivateNetwork = m_config.allowPrivateNetwork;
    m_miniAppBackends = std::make_unique<miniapps::BackendHost>(m_miniAppBridge.get(), m_miniAppBridge.get(), m_logger.get(),
                                                                miniapps::BackendOptions::fromEnvironment(backendOptions));
    m_miniAppBackendController = std::make_unique<MiniAppBackendController>(*m_miniApps, *m_miniAppBackends);

    HttpServerOptions opts;
    opts.maxBodyBytes = m_config.maxBodyBytes;
    // Uploads being received; whatever a crashed run left there is garbage.
    opts.spoolDir = m_config.dataDir + QStringLiteral("/spool");
    opts.spoolIdleMs = m_config.uploadIdleMs;
    QDir(opts.spoolDir).removeRecursively();
    m_http = std::make_unique<HttpServer>(opts, *m_logger);
    m_http->setAuthenticator([this](Exchange &ex) { return m_guard->authenticate(ex); });
    m_http->addRoutes(buildRouteTable({*m_authController, *m_accountsController, *m_settingsController, *m_systemController, *m_providersController,
                                      *m_kinsController, *m_kinWizardController, *m_messagesController, *m_quickSessionsController,
                                      *m_fileStorageController, *m_vaultController, *m_memoriesController, *m_compactingController,
                                      *m_knowledgeController, *m_miniAppsController, *m_miniAppBackendController, *m_cronsController,
                                      *m_contactsController, *m_notificationsController, *m_promptsController, *m_webhooksController,
                                      *m_mcpServersController, *m_tasksController, *m_channelsController, *m_pluginsController}));
    m_http->setFallback([this](const ExchangePtr &ex) { m_systemController->webUi(ex); });

    auto port = m_http->start(m_config.host, m_config.port);
    if (!port)
        return port.error();
    m_port = port.value();
    const QString publicUrl = m_config.effectivePublicUrl(m_port);
    m_invitations->setPublicUrl(publicUrl);
    m_fileStorageController->setPublicUrl(publicUrl);
    m_webhooks->setPublicUrl(publicUrl);
    m_channels->setPublicUrl(publicUrl);
    m_http->policy().configure(m_port, m_config.host, publicUrl, m_config.trustedOrigins, m_config.allowedHosts);
    // Work a previous run left behind starts again; expired quick sessions and stored files go hourly.
    m_engine->resume();
    // Wake-ups the app was closed over fire now, once (missed-run policy in WakeupService.h).
    if (Status st = m_wakeups->start(); !st)
        m_logger->error(QStringLiteral("wakeups"), QStringLiteral("Wake-ups could not be armed"), {{QStringLiteral("error"), st.error().message}});
    if (Status st = m_crons->start(); !st)
        m_logger->error(QStringLiteral("crons"), QStringLiteral("Crons could not be armed"), {{QStringLiteral("error"), st.error().message}});
    m_notificationRetention->start();
    m_webhooks->start();
    m_channels->start(); // channels left active reconnect
    if (Status st = m_knowledge->start(); !st)
        m_logger->error(QStringLiteral("knowledge"), QStringLiteral("Knowledge base start failed"), {{QStringLiteral("error"), st.error().message}});
    m_quickSessionsController->sweep();
    sweepStoredFiles();
    m_sweepTimer.setInterval(60 * 60 * 1000);
    connect(&m_sweepTimer, &QTimer::timeout, this, [this] {
        m_quickSessionsController->sweep();
        sweepStoredFiles();
    });
    m_sweepTimer.start();
    m_logger->info(QStringLiteral("server"), QStringLiteral("Listening"),
                   {{QStringLiteral("url"), QStringLiteral("http://%1:%2").arg(m_config.host).arg(m_port)},
                    {QStringLiteral("dataDir"), m_config.dataDir}});
    return m_port;
}

} // namespace kinbot
