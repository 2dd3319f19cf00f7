#pragma once

#include "http/Route.h"

#include <QList>

namespace kinbot {

class AccountsController;
class AuthController;
class ChannelsController;
class CompactingController;
class ContactsController;
class CronsController;
class FileStorageController;
class KinWizardController;
class KinsController;
class KnowledgeController;
class McpServersController;
class PluginsController;
class MiniAppBackendController;
class MiniAppsController;
class MessagesController;
class ProvidersController;
class QuickSessionsController;
class SettingsController;
class SystemController;
class VaultController;
class MemoriesController;
class NotificationsController;
class PromptsController;
class WebhooksController;
class TasksController;

struct Controllers
{
    AuthController &auth;
    AccountsController &accounts;
    SettingsController &settings;
    SystemController &system;
    ProvidersController &providers;
    KinsController &kins;
    KinWizardController &kinWizard;
    MessagesController &messages;
    QuickSessionsController &quickSessions;
    FileStorageController &fileStorage;
    VaultController &vault;
    MemoriesController &memories;
    CompactingController &compacting;
    KnowledgeController &knowledge;
    MiniAppsController &miniApps;
    MiniAppBackendController &miniAppBackend;
    CronsController &crons;
    ContactsController &contacts;
    NotificationsController &notifications;
    PromptsController &prompts;
    WebhooksController &webhooks;
    McpServersController &mcpServers;
    TasksController &tasks;
    ChannelsController &channels;
    PluginsController &plugins;
};

// The one declarative table of every route: method, path, who may call it, handler.
QList<Route> buildRouteTable(const Controllers &c);

} // namespace kinbot
