#pragma once

#include "config/ServerConfig.h"
#include "util/Result.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

class QNetworkAccessManager;

namespace kinbot::memory {
class EmbeddingService;
class MemoryExtractor;
class MemoryMaintenance;
class MemoryService;
class MemoryStore;
}

#include <memory>

namespace kinbot {

class AccountService;
class AccountsController;
class ApiKeyService;
class AuthController;
class AuthGuard;
class CompactingController;
class CompactingService;
class ContactService;
class ContactsController;
class CronService;
class CronsController;
class NotificationRetention;
class NotificationsController;
class PromptService;
class PromptsController;
class TaskService;
struct InterKinTaskHooks;
class TaskSessions;
class TasksController;
class FileStorage;
class FileStorageController;
class ConversationEngine;
class KinService;
class KinWizardController;
class KinsController;
class KnowledgeController;
class KnowledgeService;
class McpService;
class McpServersController;
class PluginsController;
namespace plugins {
class PluginService;
}
class MessageStore;
class MessagesController;
class NotificationService;
class ProviderService;
class ProvidersController;
class QueueStore;
class QuickSessionStore;
class QuickSessionsController;
class Scheduler;
class SecretBox;
class UploadStore;
class ToolRegistry;
class Clock;
class Database;
class EventBus;
class HttpServer;
class InvitationService;
class Logger;
class ProfileService;
class SessionStore;
class SettingsController;
class SettingsStore;
class SseHub;
class SystemController;
class VaultController;
class MemoriesController;
class MiniAppBackendBridge;
class MiniAppBackendController;
class MiniAppEventStreams;
class MiniAppHttpProxy;
class MiniAppService;
class MiniAppsController;
class VaultService;
class VersionChecker;
class WakeupService;
class WebhookService;
class ChannelService;
class ChannelsController;
class WebhooksController;

QString kinbotVersion();

// Owns every service of one running KinBot (no singletons): storage, events, logging, auth, settings, HTTP.
// The desktop app, the headless server and the tests each build one.
namespace miniapps {
class BackendHost;
}

class Platform final : public QObject
{
    Q_OBJECT
public:
    Platform(ServerConfig config, const Clock &clock, QObject *parent = nullptr);
    ~Platform() override;

    // Prepares the data dir and key, migrates the database, binds the port. Returns the bound port.
    Result<quint16> start();
    QString url() const; // http://127.0.0.1:<port>

    const ServerConfig &config() const { return m_config; }
    Database &database() { return *m_db; }
    EventBus &events() { return *m_bus; }
    Logger &logger() { return *m_logger; }
    SettingsStore &settings() { return *m_settings; }
    SseHub &sse() { return *m_hub; }
    HttpServer &http() { return *m_http; }
    ProfileService &profiles() { return *m_profiles; }
    SettingsController &settingsController() { return *m_settingsController; }
    ProviderService &providers() { return *m_providers; }
    KinService &kins() { return *m_kins; }
    ConversationEngine &engine() { return *m_engine; }
    ToolRegistry &tools() { return *m_tools; }
    MessageStore &messages() { return *m_messages; }
    VaultService &vault() { return *m_vault; }
    memory::EmbeddingService &embeddings() { return *m_embeddings; }
    memory::MemoryService &memories() { return *m_memories; }
    memory::MemoryExtractor &memoryExtractor() { return *m_extractor; }
    memory::MemoryMaintenance &memoryMaintenance() { return *m_maintenance; }
    CompactingService &compacting() { return *m_compacting; }
    KnowledgeService &knowledge() { return *m_knowledge; }
    MiniAppService &miniApps() { return *m_miniApps; }
    MiniAppEventStreams &miniAppStreams() { return *m_miniAppStreams; }
    miniapps::BackendHost &miniAppBackends() { return *m_miniAppBackends; }
    Scheduler &scheduler() { return *m_scheduler; }
    WakeupService &wakeups() { return *m_wakeups; }
    CronService &crons() { return *m_crons; }
    ContactService &contacts() { return *m_contacts; }
    NotificationService &notifications() { return *m_notifications; }
    PromptService &prompts() { return *m_prompts; }
    WebhookService &webhooks() { return *m_webhooks; }
    McpService &mcp() { return *m_mcp; }
    plugins::PluginService &plugins() { return *m_plugins; }
    TaskService &tasks() { return *m_tasks; }
    TaskSessions &taskSessions() { return *m_taskSessions; }
    ChannelService &channels() { return *m_channels; }

private:
    void sweepStoredFiles();

    ServerConfig m_config;
    const Clock &m_clock;
    quint16 m_port = 0;
    QThreadPool m_cpuPool;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<EventBus> m_bus;
    std::unique_ptr<Logger> m_logger;
    std::unique_ptr<SettingsStore> m_settings;
    std::unique_ptr<AccountService> m_accounts;
    std::unique_ptr<SessionStore> m_sessions;
    std::unique_ptr<ApiKeyService> m_apiKeys;
    std::unique_ptr<InvitationService> m_invitations;
    std::unique_ptr<ProfileService> m_profiles;
    std::unique_ptr<AuthGuard> m_guard;
    std::unique_ptr<SseHub> m_hub;
    std::unique_ptr<VersionChecker> m_versions;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<SecretBox> m_secretBox;
    std::unique_ptr<ProviderService> m_providers;
    std::unique_ptr<memory::EmbeddingService> m_embeddings;
    std::unique_ptr<KinService> m_kins;
    std::unique_ptr<MessageStore> m_messages;
    std::unique_ptr<QueueStore> m_queue;
    std::unique_ptr<QuickSessionStore> m_quickSessions;
    std::unique_ptr<NotificationService> m_notifications;
    std::unique_ptr<UploadStore> m_uploads;
    std::unique_ptr<FileStorage> m_fileStorage;
    std::unique_ptr<VaultService> m_vault;
    std::unique_ptr<memory::MemoryStore> m_memoryStore;
    std::unique_ptr<memory::MemoryService> m_memories;
    std::unique_ptr<memory::MemoryExtractor> m_extractor;
    std::unique_ptr<memory::MemoryMaintenance> m_maintenance;
    std::unique_ptr<KnowledgeService> m_knowledge;
    std::unique_ptr<MiniAppService> m_miniApps;
    std::unique_ptr<MiniAppEventStreams> m_miniAppStreams;
    std::unique_ptr<MiniAppHttpProxy> m_miniAppProxy;
    std::unique_ptr<MiniAppBackendBridge> m_miniAppBridge;
    std::unique_ptr<miniapps::BackendHost> m_miniAppBackends;
    std::unique_ptr<ToolRegistry> m_tools;
    std::unique_ptr<ConversationEngine> m_engine;
    std::unique_ptr<CompactingService> m_compacting;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<WakeupService> m_wakeups;
    std::unique_ptr<CronService> m_crons;
    std::unique_ptr<ContactService> m_contacts;
    std::unique_ptr<PromptService> m_prompts;
    std::unique_ptr<WebhookService> m_webhooks;
    std::unique_ptr<McpService> m_mcp;
    std::unique_ptr<plugins::PluginService> m_plugins;
    std::unique_ptr<TaskService> m_tasks;
    std::shared_ptr<InterKinTaskHooks> m_interKinTaskHooks;
    std::unique_ptr<TaskSessions> m_taskSessions;
    std::unique_ptr<ChannelService> m_channels;
    std::unique_ptr<NotificationRetention> m_notificationRetention;
    QTimer m_sweepTimer;
    std::unique_ptr<AuthController> m_authController;
    std::unique_ptr<AccountsController> m_accountsController;
    std::unique_ptr<SettingsController> m_settingsController;
    std::unique_ptr<SystemController> m_systemController;
    std::unique_ptr<ProvidersController> m_providersController;
    std::unique_ptr<KinsController> m_kinsController;
    std::unique_ptr<KinWizardController> m_kinWizardController;
    std::unique_ptr<MessagesController> m_messagesController;
    std::unique_ptr<QuickSessionsController> m_quickSessionsController;
    std::unique_ptr<FileStorageController> m_fileStorageController;
    std::unique_ptr<VaultController> m_vaultController;
    std::unique_ptr<MemoriesController> m_memoriesController;
    std::unique_ptr<CompactingController> m_compactingController;
    std::unique_ptr<KnowledgeController> m_knowledgeController;
    std::unique_ptr<MiniAppsController> m_miniAppsController;
    std::unique_ptr<MiniAppBackendController> m_miniAppBackendController;
    std::unique_ptr<CronsController> m_cronsController;
    std::unique_ptr<ContactsController> m_contactsController;
    std::unique_ptr<NotificationsController> m_notificationsController;
    std::unique_ptr<PromptsController> m_promptsController;
    std::unique_ptr<WebhooksController> m_webhooksController;
    std::unique_ptr<McpServersController> m_mcpServersController;
    std::unique_ptr<TasksController> m_tasksController;
    std::unique_ptr<ChannelsController> m_channelsController;
    std::unique_ptr<PluginsController> m_pluginsController;
    std::unique_ptr<HttpServer> m_http;
};

} // namespace kinbot
