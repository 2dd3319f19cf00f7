#pragma once

#include "miniapps/backend/BackendTypes.h"
#include "plugins/PluginManifest.h"
#include "plugins/PluginStore.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace kinbot {
class Clock;
class Database;
class EventBus;
class Logger;
class NotificationService;
class SecretBox;
namespace miniapps {
class BackendHost;
}
} // namespace kinbot

namespace kinbot::plugins {

struct PluginOptions
{
    QString pluginsDir;  // <dataDir>/plugins
    QString appVersion;  // checked against manifests' kinbot ranges
    miniapps::BackendOptions backend; // timeoutMs: activation (load + activate()) and each tool / hook call
    int autoDisableAfter = 10;        // consecutive tool/hook errors
    int gitTimeoutMs = 120000;        // POST /install {source: "git"}: the whole clone
};

// A tool a running plugin offers (exports.tools).
struct PluginToolInfo
{
    QString plugin;
    QString name;
    QString description;
    QJsonObject parameters;
};

// Plugins (engine.md §11): scanned from <dataDir>/plugins/<dir>/plugin.json, each enabled one running in its own
// QJSEngine on its own thread through the mini-app backend host (same runtime, watchdog, fetch), with its ctx
// (config, log, storage, http.fetch limited to its http:<host> permissions, manifest). Lives on the main thread;
// everything asynchronous answers through callbacks on it.
class PluginService final : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<QJsonObject>)>;
    static constexpr const char *kSecretMask = "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022";

    PluginService(const Database &db, const SecretBox &box, EventBus &bus, const Clock &clock, NotificationService &notifications,
                  Logger &logger, PluginOptions options, QObject *parent = nullptr);
    ~PluginService() override;

    // Scans the plugins directory and activates the enabled plugins in dependency order; done (optional) when all
    // activations settled.
    void start(std::function<void()> done = {});

    QJsonArray list() const;
    Result<QJsonObject> summary(const QString &name) const;
    Result<QJsonValue> readme(const QString &name) const; // the text, or null
    Result<QJsonObject> config(const QString &name) const; // secrets masked
    Result<QString> sealedConfig(const QString &name) const { return m_store.sealedConfig(name); }

    void enable(const QString &name, Done done);
    void disable(const QString &name, Done done);
    void updateConfig(const QString &name, const QJsonObject &values, Done done);
    Result<QJsonObject> resetHealth(const QString &name);
    void reload(Done done);
    void install(const QJsonObject &body, Done done);
    void uninstall(const QString &name, Done done);

    // The engine's side.
    QList<PluginToolInfo> activeTools() const;
    void callTool(const QString &plugin, const QString &tool, const QJsonObject &args, const QJsonObject &context,
                  std::function<void(QJsonValue)> done);
    // Fire-and-forget: every active plugin with this hook gets the payload; failures only count against its health.
    void fireHook(const QString &hook, const QJsonObject &payload);
    static const QStringList &firedHooks();

private:
    struct Health
    {
        int totalErrors = 0;
        int consecutiveErrors = 0;
        qint64 totalCalls = 0;
        QString lastError;
        qint64 lastErrorAt = 0;
        bool autoDisabled = false;
    };
    struct Plugin
    {
        QString dirName;
        QString dir;
        std::optional<PluginManifest> manifest;
        QString error;        // manifest, compatibility or dependency problem: never loaded
        QString loadError;    // the last activation failed
        bool active = false;
        bool activating = false;
        miniapps::BackendApp app;
        QList<PluginToolInfo> tools;
        QStringList hooks;
        Health health;
    };

    void scan();
    Plugin *find(const QString &name);
    const Plugin *find(const QString &name) const;
    Result<Plugin *> existing(const QString &name);
    QJsonObject summaryOf(const Plugin &p) const;
    void activate(const QString &name, std::function<void(QString)> done); // "" when running
    void deactivate(const QString &name, std::function<void()> done);
    void activateAll(QStringList names, std::function<void()> done);
    void call(const Plugin &p, const QString &path, const QJsonObject &body, std::function<void(Result<QJsonObject>)> done);
    void record(const QString &name, bool ok, const QString &error);
    void autoDisable(const QString &name);
    void publish(const QString &type, const QString &name, QJsonObject extra = {});
    QJsonObject configWithDefaults(const Plugin &p) const;
    void installFromGit(const QString &url, Done done);
    Result<QJsonObject> registerInstalled(const QString &name, const QString &source, const QJsonObject &meta);

    PluginStore m_store;
    EventBus &m_bus;
    const Clock &m_clock;
    NotificationService &m_notifications;
    Logger &m_logger;
    const PluginOptions m_options;
    std::map<QString, Plugin> m_plugins; // by manifest name (by directory name when the manifest is unreadable)
    int m_nextVersion = 0;
    bool m_closing = false;
    std::unique_ptr<miniapps::BackendHost> m_host; // last: destroyed first, while the rest still exists
};

} // namespace kinbot::plugins
