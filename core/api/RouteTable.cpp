#include "api/RouteTable.h"

#include "api/AccountsController.h"
#include "api/AuthController.h"
#include "api/ChannelsController.h"
#include "api/CompactingController.h"
#include "api/ContactsController.h"
#include "api/CronsController.h"
#include "api/FileStorageController.h"
#include "api/KinWizardController.h"
#include "api/KinsController.h"
#include "api/MemoriesController.h"
#include "api/KnowledgeController.h"
#include "api/McpServersController.h"
#include "api/MessagesController.h"
#include "api/MiniAppBackendController.h"
#include "api/MiniAppsController.h"
#include "api/PluginsController.h"
#include "api/NotificationsController.h"
#include "api/PromptsController.h"
#include "api/TasksController.h"
#include "api/ProvidersController.h"
#include "api/QuickSessionsController.h"
#include "api/SettingsController.h"
#include "api/SystemController.h"
#include "api/VaultController.h"
#include "api/WebhooksController.h"
#include "channels/ChannelService.h"
#include "webhooks/WebhookService.h"

namespace kinbot {

template<typename C>
static Handler h(C &controller, void (C::*method)(const ExchangePtr &))
{
    return [&controller, method](const ExchangePtr &ex) { (controller.*method)(ex); };
}

QList<Route> buildRouteTable(const Controllers &c)
{
    using A = Access;
    const auto flat = ErrorStyle::Flat;
    const auto env = ErrorStyle::Envelope;
    constexpr qint64 avatarBody = 3 * 1024 * 1024;
    constexpr qint64 kinAvatarBody = 11 * 1024 * 1024;
    constexpr qint64 miniAppFileBody = 8 * 1024 * 1024; // a 5 MB file as base64 JSON
    constexpr bool spool = true; // uploads: big bodies go to disk as they arrive

    QList<Route> routes{
        // --- system ---
        {"GET", "/api/health", A::Public, h(c.system, &SystemController::health)},
        {"GET", "/api/sse", A::Member, h(c.system, &SystemController::sse), env, 0, true},
        {"GET", "/api/version-check", A::Member, h(c.system, &SystemController::versionStatus)},
        {"POST", "/api/version-check/check", A::Admin, h(c.system, &SystemController::versionCheck)},
        {"POST", "/api/version-check/update", A::Admin, h(c.system, &SystemController::versionUpdate)},
        {"GET", "/api/logs", A::Admin, h(c.system, &SystemController::logs)},
        {"GET", "/api/logs/modules", A::Admin, h(c.system, &SystemController::logModules)},
        {"GET", "/api/uploads/*", A::Member, h(c.system, &SystemController::upload)},

        // --- auth (Better Auth wire shapes, flat errors) ---
        {"POST", "/api/auth/sign-up/email", A::Public, h(c.auth, &AuthController::signUp), flat},
        {"POST", "/api/auth/sign-in/email", A::Public, h(c.auth, &AuthController::signIn), flat},
        {"POST", "/api/auth/sign-out", A::Public, h(c.auth, &AuthController::signOut), flat},
        {"GET", "/api/auth/get-session", A::Public, h(c.auth, &AuthController::getSession), flat},
        {"POST", "/api/auth/change-password", A::Authenticated, h(c.auth, &AuthController::changePassword), flat},

        // --- onboarding ---
        {"GET", "/api/onboarding/status", A::Public, h(c.accounts, &AccountsController::onboardingStatus)},
        {"POST", "/api/onboarding/profile", A::Authenticated, h(c.accounts, &AccountsController::onboardingProfile)},

        // --- me ---
        {"GET", "/api/me", A::Member, h(c.accounts, &AccountsController::getMe)},
        {"PATCH", "/api/me", A::Member, h(c.accounts, &AccountsController::patchMe)},
        {"POST", "/api/me/avatar", A::Member, h(c.accounts, &AccountsController::uploadAvatar), env, avatarBody},
        {"GET", "/api/me/api-keys", A::Member, h(c.accounts, &AccountsController::listApiKeys)},
        {"POST", "/api/me/api-keys", A::Member, h(c.accounts, &AccountsController::createApiKey)},
        {"DELETE", "/api/me/api-keys/:id", A::Member, h(c.accounts, &AccountsController::deleteApiKey)},

        // --- users & invitations ---
        {"GET", "/api/users", A::Member, h(c.accounts, &AccountsController::listUsers)},
        {"GET", "/api/users/mentionables", A::Member, h(c.accounts, &AccountsController::mentionables)},
        {"DELETE", "/api/users/:id", A::Admin, h(c.accounts, &AccountsController::deleteUser)},
        {"GET", "/api/invitations", A::Admin, h(c.accounts, &AccountsController::listInvitations)},
        {"POST", "/api/invitations", A::Admin, h(c.accounts, &AccountsController::createInvitation)},
        {"DELETE", "/api/invitations/:id", A::Admin, h(c.accounts, &AccountsController::deleteInvitation)},
        {"GET", "/api/invitations/:token/validate", A::Public, h(c.accounts, &AccountsController::validateInvitation)},

        // --- settings (admin) ---
        {"GET", "/api/settings/global-prompt", A::Admin, h(c.settings, &SettingsController::getGlobalPrompt)},
        {"PUT", "/api/settings/global-prompt", A::Admin, h(c.settings, &SettingsController::putGlobalPrompt)},
        {"GET", "/api/settings/models", A::Admin, h(c.settings, &SettingsController::getModels)},
        {"GET", "/api/settings/default-models", A::Admin, h(c.settings, &SettingsController::getDefaultModels)},
        {"PUT", "/api/settings/default-llm", A::Admin, h(c.settings, &SettingsController::putDefaultLlm)},
        {"PUT", "/api/settings/default-image", A::Admin, h(c.settings, &SettingsController::putDefaultImage)},
        {"PUT", "/api/settings/default-compacting", A::Admin, h(c.settings, &SettingsController::putDefaultCompacting)},
        {"PUT", "/api/settings/extraction-model", A::Admin, h(c.settings, &SettingsController::putExtractionModel)},
        {"PUT", "/api/settings/embedding-model", A::Admin, h(c.settings, &SettingsController::putEmbeddingModel)},
        {"GET", "/api/settings/search-provider", A::Admin, h(c.settings, &SettingsController::getSearchProvider)},
        {"PUT", "/api/settings/search-provider", A::Admin, h(c.settings, &SettingsController::putSearchProvider)},
        {"GET", "/api/settings/hub", A::Admin, h(c.settings, &SettingsController::getHub)},
        {"PUT", "/api/settings/hub", A::Admin, h(c.settings, &SettingsController::putHub)},
        {"GET", "/api/settings/compacting-threshold", A::Admin, h(c.settings, &SettingsController::getCompactingThreshold)},
        {"PUT", "/api/settings/compacting-threshold", A::Admin, h(c.settings, &SettingsController::putCompactingThreshold)},

        // --- providers (reads for members; changes admin-only: the reference lets any member replace API keys) ---
        {"GET", "/api/providers", A::Member, h(c.providers, &ProvidersController::list)},
        {"GET", "/api/providers/types", A::Member, h(c.providers, &ProvidersController::types)},
        {"GET", "/api/providers/capabilities", A::Member, h(c.providers, &ProvidersController::capabilities)},
        {"GET", "/api/providers/models", A::Member, h(c.providers, &ProvidersController::models)},
        {"GET", "/api/providers/detect", A::Member, h(c.providers, &ProvidersController::detect)},
        {"POST", "/api/providers/test", A::Admin, h(c.providers, &ProvidersController::testConfig)},
        {"POST", "/api/providers", A::Admin, h(c.providers, &ProvidersController::create)},
        {"PATCH", "/api/providers/:id", A::Admin, h(c.providers, &ProvidersController::update)},
        {"DELETE", "/api/providers/:id", A::Admin, h(c.providers, &ProvidersController::remove)},
        {"POST", "/api/providers/:id/test", A::Admin, h(c.providers, &ProvidersController::testSaved)},

        // --- kins ---
        {"GET", "/api/kins", A::Member, h(c.kins, &KinsController::list)},
        {"POST", "/api/kins", A::Member, h(c.kins, &KinsController::create)},
        {"POST", "/api/kins/generate-config", A::Member, h(c.kinWizard, &KinWizardController::generateConfig)},
        {"POST", "/api/kins/avatar/preview", A::Member, h(c.kinWizard, &KinWizardController::previewAvatar)},
        {"POST", "/api/kins/import", A::Member, h(c.kins, &KinsController::importArchive), env, kinAvatarBody * 3},
        {"GET", "/api/kins/:id", A::Member, h(c.kins, &KinsController::get)},
        {"PATCH", "/api/kins/:id", A::Member, h(c.kins, &KinsController::update)},
        {"DELETE", "/api/kins/:id", A::Member, h(c.kins, &KinsController::remove)},
        {"POST", "/api/kins/:id/avatar", A::Member, h(c.kins, &KinsController::uploadAvatar), env, kinAvatarBody},
        {"GET", "/api/kins/:id/tools", A::Member, h(c.kins, &KinsController::tools)},

        // --- memories ---
        {"GET", "/api/kins/:id/memories", A::Member, h(c.memories, &MemoriesController::listOfKin)},
        {"POST", "/api/kins/:id/memories", A::Member, h(c.memories, &MemoriesController::createForKin)},
        {"GET", "/api/kins/:id/memories/search", A::Member, h(c.memories, &MemoriesController::searchOfKin)},
        {"PATCH", "/api/kins/:id/memories/:memoryId", A::Member, h(c.memories, &MemoriesController::updateOfKin)},
        {"DELETE", "/api/kins/:id/memories/:memoryId", A::Member, h(c.memories, &MemoriesController::removeOfKin)},
        {"GET", "/api/memories", A::Member, h(c.memories, &MemoriesController::listAll)},
        {"GET", "/api/settings/memory-extraction", A::Admin, h(c.memories, &MemoriesController::getExtraction)},
        {"PUT", "/api/settings/memory-extraction", A::Admin, h(c.memories, &MemoriesController::putExtraction)},
        // Long: every vector is recomputed (progress as memory:reembed-progress), so no request timeout.
        {"POST", "/api/memories/reembed", A::Admin, h(c.memories, &MemoriesController::reembed), env, 0, true},
        {"POST", "/api/memories/consolidate", A::Admin, h(c.memories, &MemoriesController::consolidate), env, 0, true},
        {"POST", "/api/memories/backfill-importance", A::Admin, h(c.memories, &MemoriesController::backfillImportance), env, 0, true},
        {"GET", "/api/kins/:id/context-usage", A::Member, h(c.kins, &KinsController::contextUsage)},
        {"POST", "/api/kins/:id/compacting/run", A::Member, h(c.compacting, &CompactingController::run)},
        {"POST", "/api/kins/:id/compacting/purge", A::Member, h(c.compacting, &CompactingController::purge)},
        {"GET", "/api/kins/:id/compacting/summaries", A::Member, h(c.compacting, &CompactingController::summaries)},
        {"GET", "/api/kins/:id/compacting/snapshots", A::Member, h(c.compacting, &CompactingController::snapshots)},
        {"POST", "/api/kins/:id/compacting/rollback", A::Member, h(c.compacting, &CompactingController::rollback)},

        // --- crons (firing spawns tasks: see CronService) ---
        {"GET", "/api/crons", A::Member, h(c.crons, &CronsController::list)},
        {"POST", "/api/crons", A::Member, h(c.crons, &CronsController::create)},
        {"PATCH", "/api/crons/:id", A::Member, h(c.crons, &CronsController::update)},
        {"DELETE", "/api/crons/:id", A::Member, h(c.crons, &CronsController::remove)},
        {"POST", "/api/crons/:id/trigger", A::Member, h(c.crons, &CronsController::trigger)},
        {"POST", "/api/crons/:id/approve", A::Member, h(c.crons, &CronsController::approve)},
        // --- webhooks (task mode spawns tasks: see WebhookService); incoming is public: its token is the credential,
        // and a body over 1 MiB is refused from its Content-Length before it is read ---
        {"GET", "/api/webhooks", A::Member, h(c.webhooks, &WebhooksController::list)},
        {"POST", "/api/webhooks", A::Member, h(c.webhooks, &WebhooksController::create)},
        {"PATCH", "/api/webhooks/:id", A::Member, h(c.webhooks, &WebhooksController::update)},
        {"DELETE", "/api/webhooks/:id", A::Member, h(c.webhooks, &WebhooksController::remove)},
        {"GET", "/api/webhooks/:id/logs", A::Member, h(c.webhooks, &WebhooksController::logs)},
        {"POST", "/api/webhooks/:id/regenerate-token", A::Member, h(c.webhooks, &WebhooksController::regenerateToken)},
        {"POST", "/api/webhooks/:id/test-filter", A::Member, h(c.webhooks, &WebhooksController::testFilter), env,
         WebhookService::kMaxPayloadBytes * 2},
        {"POST", "/api/webhooks/:id/suggest-fields", A::Member, h(c.webhooks, &WebhooksController::suggestFields)},
        {"POST", "/api/webhooks/incoming/:webhookId", A::Public, h(c.webhooks, &WebhooksController::incoming), env,
         WebhookService::kMaxPayloadBytes},
        // --- channels; the platform webhooks are public and verified by the platform's secret (Telegram: the
        // X-Telegram-Bot-Api-Secret-Token set with setWebhook; Slack: the signing secret; WhatsApp: the verify token (GET)
        // and X-Hub-Signature-256 with the app secret (POST); Signal: the random secret in the URL registered on the bridge) ---
        {"GET", "/api/channels", A::Member, h(c.channels, &ChannelsController::list)},
        {"POST", "/api/channels", A::Member, h(c.channels, &ChannelsController::create)},
        {"GET", "/api/channels/platforms", A::Member, h(c.channels, &ChannelsController::platforms)},
        {"GET", "/api/channels/pending-count", A::Member, h(c.channels, &ChannelsController::pendingCount)},
        {"GET", "/api/channels/:id", A::Member, h(c.channels, &ChannelsController::get)},
        {"PATCH", "/api/channels/:id", A::Member, h(c.channels, &ChannelsController::update)},
        {"DELETE", "/api/channels/:id", A::Member, h(c.channels, &ChannelsController::remove)},
        {"POST", "/api/channels/:id/activate", A::Member, h(c.channels, &ChannelsController::activate)},
        {"POST", "/api/channels/:id/deactivate", A::Member, h(c.channels, &ChannelsController::deactivate)},
        {"POST", "/api/channels/:id/test", A::Member, h(c.channels, &ChannelsController::test)},
        {"GET", "/api/channels/:id/user-mappings", A::Member, h(c.channels, &ChannelsController::userMappings)},
        {"POST", "/api/channels/:id/user-mappings/:mapId/approve", A::Member, h(c.channels, &ChannelsController::approve)},
        {"POST", "/api/channels/telegram/:channelId", A::Public, h(c.channels, &ChannelsController::telegramWebhook), env,
         ChannelService::kMaxWebhookBytes},
        {"POST", "/api/channels/slack/webhook/:channelId", A::Public, h(c.channels, &ChannelsController::slackWebhook), env,
         ChannelService::kMaxWebhookBytes},
        {"GET", "/api/channels/whatsapp/webhook/:channelId", A::Public, h(c.channels, &ChannelsController::whatsappVerify), env},
        {"POST", "/api/channels/whatsapp/webhook/:channelId", A::Public, h(c.channels, &ChannelsController::whatsappWebhook), env,
         ChannelService::kMaxWebhookBytes},
        {"POST", "/api/channels/signal/webhook/:channelId", A::Public, h(c.channels, &ChannelsController::signalWebhook), env,
         ChannelService::kMaxWebhookBytes},
        // --- notifications (the caller's own) and human prompts ---
        {"GET", "/api/notifications", A::Member, h(c.notifications, &NotificationsController::list)},
        {"GET", "/api/notifications/unread-count", A::Member, h(c.notifications, &NotificationsController::unreadCount)},
        {"POST", "/api/notifications/mark-all-read", A::Member, h(c.notifications, &NotificationsController::markAllRead)},
        {"PATCH", "/api/notifications/:id/read", A::Member, h(c.notifications, &NotificationsController::markRead)},
        {"DELETE", "/api/notifications/:id", A::Member, h(c.notifications, &NotificationsController::remove)},
        {"GET", "/api/prompts/pending", A::Member, h(c.prompts, &PromptsController::pending)},
        {"POST", "/api/prompts/:id/respond", A::Member, h(c.prompts, &PromptsController::respond)},
        // --- tasks / sub-Kins ---
        {"GET", "/api/tasks", A::Member, h(c.tasks, &TasksController::list)},
        {"GET", "/api/tasks/:id", A::Member, h(c.tasks, &TasksController::get)},
        {"POST", "/api/tasks/:id/cancel", A::Member, h(c.tasks, &TasksController::cancel)},
        {"POST", "/api/tasks/:id/force-promote", A::Member, h(c.tasks, &TasksController::forcePromote)},
        {"POST", "/api/kins/:id/avatar/generate", A::Member, h(c.kinWizard, &KinWizardController::generateAvatar)},
        {"GET", "/api/kins/:id/export", A::Member, h(c.kins, &KinsController::exportArchive)},

        // --- MCP servers (any member, as the reference) ---
        {"GET", "/api/mcp-servers", A::Member, h(c.mcpServers, &McpServersController::list)},
        {"POST", "/api/mcp-servers", A::Member, h(c.mcpServers, &McpServersController::create)},
        {"PATCH", "/api/mcp-servers/:id", A::Member, h(c.mcpServers, &McpServersController::update)},
        {"DELETE", "/api/mcp-servers/:id", A::Member, h(c.mcpServers, &McpServersController::remove)},
        {"POST", "/api/mcp-servers/:id/approve", A::Member, h(c.mcpServers, &McpServersController::approve)},
        {"GET", "/api/mcp-servers/:id/status", A::Member, h(c.mcpServers, &McpServersController::status)},
        {"POST", "/api/mcp-servers/:id/test", A::Member, h(c.mcpServers, &McpServersController::test)},

        // --- plugins: the static paths before /:name (the reference shadows /updates behind it) ---
        {"GET", "/api/plugins", A::Member, h(c.plugins, &PluginsController::list)},
        {"GET", "/api/plugins/updates", A::Member, h(c.plugins, &PluginsController::updates)},
        {"GET", "/api/plugins/version", A::Member, h(c.plugins, &PluginsController::version)},
        {"POST", "/api/plugins/reload", A::Admin, h(c.plugins, &PluginsController::reload)},
        {"POST", "/api/plugins/install", A::Admin, h(c.plugins, &PluginsController::install)},
        {"GET", "/api/plugins/:name", A::Member, h(c.plugins, &PluginsController::get)},
        {"DELETE", "/api/plugins/:name", A::Admin, h(c.plugins, &PluginsController::remove)},
        {"GET", "/api/plugins/:name/readme", A::Member, h(c.plugins, &PluginsController::readme)},
        {"POST", "/api/plugins/:name/enable", A::Admin, h(c.plugins, &PluginsController::enable)},
        {"POST", "/api/plugins/:name/disable", A::Admin, h(c.plugins, &PluginsController::disable)},
        {"GET", "/api/plugins/:name/config", A::Member, h(c.plugins, &PluginsController::config)},
        {"PUT", "/api/plugins/:name/config", A::Admin, h(c.plugins, &PluginsController::updateConfig)},
        {"POST", "/api/plugins/:name/health/reset", A::Admin, h(c.plugins, &PluginsController::resetHealth)},
        // --- contacts (any member: one shared household address book) ---
        {"GET", "/api/contacts", A::Member, h(c.contacts, &ContactsController::list)},
        {"POST", "/api/contacts", A::Member, h(c.contacts, &ContactsController::create)},
        {"GET", "/api/contacts/:id", A::Member, h(c.contacts, &ContactsController::get)},
        {"PATCH", "/api/contacts/:id", A::Member, h(c.contacts, &ContactsController::update)},
        {"DELETE", "/api/contacts/:id", A::Member, h(c.contacts, &ContactsController::remove)},
        {"PUT", "/api/contacts/:id/identifiers", A::Member, h(c.contacts, &ContactsController::replaceIdentifiers)},
        {"POST", "/api/contacts/:id/identifiers", A::Member, h(c.contacts, &ContactsController::addIdentifier)},
        {"PATCH", "/api/contacts/:id/identifiers/:identifierId", A::Member, h(c.contacts, &ContactsController::updateIdentifier)},
        {"DELETE", "/api/contacts/:id/identifiers/:identifierId", A::Member, h(c.contacts, &ContactsController::removeIdentifier)},
        {"GET", "/api/contacts/:id/platform-ids", A::Member, h(c.contacts, &ContactsController::listPlatformIds)},
        {"POST", "/api/contacts/:id/platform-ids", A::Member, h(c.contacts, &ContactsController::addPlatformId)},
        {"DELETE", "/api/contacts/:id/platform-ids/:pidId", A::Member, h(c.contacts, &ContactsController::removePlatformId)},
        {"POST", "/api/contacts/:id/notes", A::Member, h(c.contacts, &ContactsController::setNote)},
        {"PATCH", "/api/contacts/:id/notes/:noteId", A::Member, h(c.contacts, &ContactsController::updateNote)},
        {"DELETE", "/api/contacts/:id/notes/:noteId", A::Member, h(c.contacts, &ContactsController::removeNote)},

        // --- messages of a Kin's main conversation ---
        {"POST", "/api/files/upload", A::Member, h(c.messages, &MessagesController::upload), env, 51 * 1024 * 1024, false, spool},
        {"GET", "/api/kins/:kinId/messages", A::Member, h(c.messages, &MessagesController::list)},
        {"POST", "/api/kins/:kinId/messages", A::Member, h(c.messages, &MessagesController::send)},
        {"DELETE", "/api/kins/:kinId/messages", A::Member, h(c.messages, &MessagesController::clear)},
        {"POST", "/api/kins/:kinId/messages/stop", A::Member, h(c.messages, &MessagesController::stop)},
        {"GET", "/api/kins/:kinId/messages/queue", A::Member, h(c.messages, &MessagesController::queue)},
        {"DELETE", "/api/kins/:kinId/messages/queue/:itemId", A::Member, h(c.messages, &MessagesController::removeQueued)},
        {"GET", "/api/kins/:kinId/messages/:messageId/reactions", A::Member, h(c.messages, &MessagesController::reactions)},
        {"POST", "/api/kins/:kinId/messages/:messageId/reactions", A::Member, h(c.messages, &MessagesController::react)},

        // --- quick sessions ---
        {"GET", "/api/kins/:kinId/quick-sessions", A::Member, h(c.quickSessions, &QuickSessionsController::list)},
        {"POST", "/api/kins/:kinId/quick-sessions", A::Member, h(c.quickSessions, &QuickSessionsController::create)},
        {"GET", "/api/quick-sessions/:id", A::Member, h(c.quickSessions, &QuickSessionsController::get)},
        {"POST", "/api/quick-sessions/:id/messages", A::Member, h(c.quickSessions, &QuickSessionsController::send)},
        {"POST", "/api/quick-sessions/:id/messages/stop", A::Member, h(c.quickSessions, &QuickSessionsController::stop)},
        {"POST", "/api/quick-sessions/:id/close", A::Member, h(c.quickSessions, &QuickSessionsController::close)},

        // --- file storage and public share links ---
        // --- knowledge base (the Kin by id or slug) ---
        {"GET", "/api/kins/:kinId/knowledge", A::Member, h(c.knowledge, &KnowledgeController::list)},
        {"POST", "/api/kins/:kinId/knowledge", A::Member, h(c.knowledge, &KnowledgeController::create), env, 51 * 1024 * 1024, false, spool},
        {"GET", "/api/kins/:kinId/knowledge/search", A::Member, h(c.knowledge, &KnowledgeController::search)},
        {"GET", "/api/kins/:kinId/knowledge/:sourceId", A::Member, h(c.knowledge, &KnowledgeController::get)},
        {"DELETE", "/api/kins/:kinId/knowledge/:sourceId", A::Member, h(c.knowledge, &KnowledgeController::remove)},
        {"POST", "/api/kins/:kinId/knowledge/:sourceId/reprocess", A::Member, h(c.knowledge, &KnowledgeController::reprocess)},

        {"GET", "/api/file-storage", A::Member, h(c.fileStorage, &FileStorageController::list)},
        {"POST", "/api/file-storage", A::Member, h(c.fileStorage, &FileStorageController::upload), env, 101 * 1024 * 1024, false, spool},
        {"GET", "/api/file-storage/:id", A::Member, h(c.fileStorage, &FileStorageController::get)},
        {"PATCH", "/api/file-storage/:id", A::Member, h(c.fileStorage, &FileStorageController::update)},
        {"DELETE", "/api/file-storage/:id", A::Member, h(c.fileStorage, &FileStorageController::remove)},
        {"GET", "/s/:token", A::Public, h(c.fileStorage, &FileStorageController::shareGet)},
        {"POST", "/s/:token", A::Public, h(c.fileStorage, &FileStorageController::sharePost)},

        // --- vault (any member, as in the reference: one shared household vault) ---
        {"GET", "/api/vault", A::Member, h(c.vault, &VaultController::listSecrets)},
        {"POST", "/api/vault", A::Member, h(c.vault, &VaultController::createSecret)},
        {"PATCH", "/api/vault/:id", A::Member, h(c.vault, &VaultController::updateSecret)},
        {"DELETE", "/api/vault/:id", A::Member, h(c.vault, &VaultController::deleteSecret)},
        {"GET", "/api/vault/entries", A::Member, h(c.vault, &VaultController::listEntries)},
        {"POST", "/api/vault/entries", A::Member, h(c.vault, &VaultController::createEntry)},
        {"GET", "/api/vault/entries/:id", A::Member, h(c.vault, &VaultController::getEntry)},
        {"PATCH", "/api/vault/entries/:id", A::Member, h(c.vault, &VaultController::updateEntry)},
        {"DELETE", "/api/vault/entries/:id", A::Member, h(c.vault, &VaultController::deleteEntry)},
        {"GET", "/api/vault/entries/:id/attachments", A::Member, h(c.vault, &VaultController::listAttachments)},
        {"POST", "/api/vault/entries/:id/attachments", A::Member, h(c.vault, &VaultController::uploadAttachment), env,
         VaultController::maxUploadBody()},
        {"GET", "/api/vault/attachments/:id", A::Member, h(c.vault, &VaultController::downloadAttachment)},
        {"DELETE", "/api/vault/attachments/:id", A::Member, h(c.vault, &VaultController::deleteAttachment)},
        {"GET", "/api/vault/types", A::Member, h(c.vault, &VaultController::listTypes)},
        {"POST", "/api/vault/types", A::Member, h(c.vault, &VaultController::createType)},
        {"PATCH", "/api/vault/types/:id", A::Member, h(c.vault, &VaultController::updateType)},
        {"DELETE", "/api/vault/types/:id", A::Member, h(c.vault, &VaultController::deleteType)},

        // --- mini-apps (miniapps.md §2) ---
        {"GET", "/api/mini-apps", A::Member, h(c.miniApps, &MiniAppsController::list)},
        {"POST", "/api/mini-apps", A::Member, h(c.miniApps, &MiniAppsController::create), env, miniAppFileBody},
        {"GET", "/api/mini-apps/gallery/browse", A::Member, h(c.miniApps, &MiniAppsController::galleryBrowse)},
        {"GET", "/api/mini-apps/by-slug/:kinId/:slug", A::Member, h(c.miniApps, &MiniAppsController::bySlug)},
        {"GET", "/api/mini-apps/sdk/*", A::Member, h(c.miniApps, &MiniAppsController::sdkFile)},
        {"GET", "/api/mini-apps/:id", A::Member, h(c.miniApps, &MiniAppsController::get)},
        {"PATCH", "/api/mini-apps/:id", A::Member, h(c.miniApps, &MiniAppsController::patch)},
        {"DELETE", "/api/mini-apps/:id", A::Member, h(c.miniApps, &MiniAppsController::remove)},
        {"GET", "/api/mini-apps/:id/files", A::Member, h(c.miniApps, &MiniAppsController::listFiles)},
        {"GET", "/api/mini-apps/:id/files/*", A::Member, h(c.miniApps, &MiniAppsController::readFile)},
        {"PUT", "/api/mini-apps/:id/files/*", A::Member, h(c.miniApps, &MiniAppsController::writeFile), env, miniAppFileBody},
        {"DELETE", "/api/mini-apps/:id/files/*", A::Member, h(c.miniApps, &MiniAppsController::deleteFile)},
        {"GET", "/api/mini-apps/:id/storage", A::Member, h(c.miniApps, &MiniAppsController::listStorage)},
        {"DELETE", "/api/mini-apps/:id/storage", A::Member, h(c.miniApps, &MiniAppsController::clearStorage)},
        {"GET", "/api/mini-apps/:id/storage/:key", A::Member, h(c.miniApps, &MiniAppsController::getStorage)},
        {"PUT", "/api/mini-apps/:id/storage/:key", A::Member, h(c.miniApps, &MiniAppsController::putStorage)},
        {"DELETE", "/api/mini-apps/:id/storage/:key", A::Member, h(c.miniApps, &MiniAppsController::deleteStorage)},
        {"GET", "/api/mini-apps/:id/snapshots", A::Member, h(c.miniApps, &MiniAppsController::listSnapshots)},
        {"POST", "/api/mini-apps/:id/snapshots", A::Member, h(c.miniApps, &MiniAppsController::createSnapshot)},
        {"POST", "/api/mini-apps/:id/snapshots/:version/rollback", A::Member, h(c.miniApps, &MiniAppsController::rollback)},
        {"POST", "/api/mini-apps/:id/generate-icon", A::Member, h(c.miniApps, &MiniAppsController::generateIcon)},
        {"POST", "/api/mini-apps/:id/http", A::Member, h(c.miniApps, &MiniAppsController::httpProxy)},
        {"GET", "/api/mini-apps/:id/memories/search", A::Member, h(c.miniApps, &MiniAppsController::searchMemories)},
        {"POST", "/api/mini-apps/:id/memories", A::Member, h(c.miniApps, &MiniAppsController::createMemory)},
        {"GET", "/api/mini-apps/:id/events", A::Member, h(c.miniApps, &MiniAppsController::events), env, 0, true},
        {"POST", "/api/mini-apps/:id/console", A::Member, h(c.miniApps, &MiniAppsController::postConsole)},
        {"GET", "/api/mini-apps/:id/console", A::Member, h(c.miniApps, &MiniAppsController::getConsole)},
        {"DELETE", "/api/mini-apps/:id/console", A::Member, h(c.miniApps, &MiniAppsController::clearConsole)},
        {"GET", "/api/mini-apps/:id/serve", A::Member, h(c.miniApps, &MiniAppsController::serve)},
        {"GET", "/api/mini-apps/:id/static/*", A::Member, h(c.miniApps, &MiniAppsController::staticFile)},
    };
    // The app's own backend: every method, at /api and below.
    for (const char *method : {"GET", "POST", "PUT", "PATCH", "DELETE"})
        for (const char *pattern : {"/api/mini-apps/:id/api", "/api/mini-apps/:id/api/*"})
            routes.append({method, QLatin1String(pattern), A::Member, h(c.miniAppBackend, &MiniAppBackendController::handle)});
    return routes;
}

} // namespace kinbot
