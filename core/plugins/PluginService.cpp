#include "plugins/PluginService.h"

#include "events/EventBus.h"
#include "log/Logger.h"
#include "miniapps/backend/BackendHost.h"
#include "notifications/NotificationService.h"
#include "plugins/PluginDependencies.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QUrl>

namespace kinbot::plugins {

namespace {

const QString kModule = QStringLiteral("plugins");

ApiError notFound(const QString &name)
{
    return ApiError::notFound(QStringLiteral("PLUGIN_NOT_FOUND"), QStringLiteral("Plugin %1 not found").arg(name));
}

QString mask()
{
    return QString::fromUtf8(PluginService::kSecretMask);
}

} // namespace

const QStringList &PluginService::firedHooks()
{
    static const QStringList hooks{QStringLiteral("beforeChat"), QStringLiteral("afterChat"), QStringLiteral("beforeToolCall"),
                                   QStringLiteral("afterToolCall")};
    return hooks;
}

PluginService::PluginService(const Database &db, const SecretBox &box, EventBus &bus, const Clock &clock, NotificationService &notifications,
                             Logger &logger, PluginOptions options, QObject *parent)
    : QObject(parent), m_store(db, box, clock), m_bus(bus), m_clock(clock), m_notifications(notifications), m_logger(logger),
      m_options(std::move(options)),
      m_host(std::make_unique<miniapps::BackendHost>(&m_store, nullptr, &logger, m_options.backend))
{
}

PluginService::~PluginService()
{
    m_closing = true;
    for (QProcess *git : findChildren<QProcess *>()) { // clones under way: stopped, their answers dropped
        git->disconnect();
        delete git;
    }
    m_host.reset();
}

// --- scanning -----------------------------------------------------------------------------------------------------

void PluginService::scan()
{
    m_plugins.clear();
    QDir root(m_options.pluginsDir);
    root.mkpath(QStringLiteral("."));
    QList<PluginManifest> manifests;
    for (const QFileInfo &info : root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        Plugin p;
        p.dirName = info.fileName();
        p.dir = info.absoluteFilePath();
        auto m = readManifest(p.dir);
        QString key = p.dirName;
        if (!m) {
            p.error = m.error().message;
        } else {
            key = m->name;
            p.manifest = m.value();
            if (m_plugins.count(key)) {
                m_logger.warn(kModule, QStringLiteral("Two plugin directories declare the same name; the second is ignored"),
                              {{QStringLiteral("name"), key}, {QStringLiteral("dir"), p.dirName}});
                continue;
            }
            p.error = compatibilityError(*m, m_options.appVersion);
            if (p.error.isEmpty())
                manifests << *m;
        }
        if (!p.error.isEmpty())
            m_logger.warn(kModule, QStringLiteral("Plugin not loadable"), {{QStringLiteral("dir"), p.dirName}, {QStringLiteral("error"), p.error}});
        m_plugins.emplace(key, std::move(p));
    }
    const DependencyPlan plan = planDependencies(manifests);
    for (auto it = plan.errors.begin(); it != plan.errors.end(); ++it)
        if (Plugin *p = find(it.key()))
            p->error = it.value();
}

void PluginService::start(std::function<void()> done)
{
    scan();
    QList<PluginManifest> manifests;
    for (const auto &[name, p] : m_plugins)
        if (p.manifest && p.error.isEmpty())
            manifests << *p.manifest;
    QStringList enabled;
    for (const QString &name : planDependencies(manifests).order) {
        auto state = m_store.state(name);
        if (state && state.value() && state.value()->enabled)
            enabled << name;
    }
    activateAll(enabled, std::move(done));
}

void PluginService::activateAll(QStringList names, std::function<void()> done)
{
    if (names.isEmpty()) {
        if (done)
            done();
        return;
    }
    const QString name = names.takeFirst();
    activate(name, [this, names, done](const QString &) { activateAll(names, done); });
}

PluginService::Plugin *PluginService::find(const QString &name)
{
    auto it = m_plugins.find(name);
    return it == m_plugins.end() ? nullptr : &it->second;
}

const PluginService::Plugin *PluginService::find(const QString &name) const
{
    auto it = m_plugins.find(name);
    return it == m_plugins.end() ? nullptr : &it->second;
}

Result<PluginService::Plugin *> PluginService::existing(const QString &name)
{
    Plugin *p = find(name);
    if (!p)
        return notFound(name);
    return p;
}

// --- running ------------------------------------------------------------------------------------------------------

QJsonObject PluginService::configWithDefaults(const Plugin &p) const
{
    QJsonObject config;
    if (auto state = m_store.state(p.manifest->name); state && state.value())
        config = state.value()->config;
    for (const ConfigField &f : p.manifest->config)
        if (!config.contains(f.key) && !f.defaultValue.isUndefined() && !f.defaultValue.isNull())
            config.insert(f.key, f.defaultValue);
    return config;
}

void PluginService::call(const Plugin &p, const QString &path, const QJsonObject &body, std::function<void(Result<QJsonObject>)> done)
{
    miniapps::BackendRequest request;
    request.method = body.isEmpty() && path == QLatin1String("/describe") ? "GET" : "POST";
    request.url = QUrl(QStringLiteral("http://plugin") + QString::fromLatin1(QUrl::toPercentEncoding(path, "/")));
    request.headers.append({QByteArray("content-type"), QByteArray("application/json")});
    if (request.method == "POST")
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    m_host->handle(p.app, std::move(request), [done](Result<miniapps::BackendResponse> r) {
        if (!r)
            return done(r.error());
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r->body, &error);
        if (r->status != 200 || !doc.isObject())
            return done(ApiError::internal(QStringLiteral("The plugin host answered %1").arg(r->status)));
        done(doc.object());
    });
}

void PluginService::activate(const QString &name, std::function<void(QString)> done)
{
    Plugin *p = find(name);
    if (!p || !p->manifest || !p->error.isEmpty())
        return done(p ? p->error : QStringLiteral("not found"));
    if (p->active)
        return done({});
    const QJsonObject config = configWithDefaults(*p);
    if (auto checked = validateConfig(*p->manifest, config); !checked) {
        p->loadError = checked.error().message;
        return done(p->loadError);
    }
    p->activating = true;
    p->app = {};
    p->app.appId = name;
    p->app.appName = name;
    p->app.appDir = p->dir;
    p->app.entry = p->manifest->main;
    p->app.version = ++m_nextVersion;
    p->app.logModule = QStringLiteral("plugin:") + name;
    p->app.plugin = QJsonObject{{QStringLiteral("config"), config}, {QStringLiteral("manifest"), p->manifest->raw}};
    p->app.allowedHosts = p->manifest->httpHosts();
    const int version = p->app.version;
    call(*p, QStringLiteral("/describe"), {}, [this, name, version, done](Result<QJsonObject> r) {
        Plugin *p = m_closing ? nullptr : find(name);
        if (!p || p->app.version != version)
            return done(QStringLiteral("superseded"));
        p->activating = false;
        if (!r) {
            p->loadError = r.error().message;
            m_host->unload(name);
            m_logger.error(kModule, QStringLiteral("Plugin activation failed"), {{QStringLiteral("plugin"), name}, {QStringLiteral("error"), p->loadError}});
            return done(p->loadError);
        }
        p->loadError.clear();
        p->active = true;
        p->tools.clear();
        for (const QJsonValue &t : r->value(QStringLiteral("tools")).toArray()) {
            const QJsonObject o = t.toObject();
            p->tools.append({name, o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("description")).toString(),
                             o.value(QStringLiteral("parameters")).toObject()});
        }
        p->hooks.clear();
        for (const QJsonValue &h : r->value(QStringLiteral("hooks")).toArray())
            p->hooks << h.toString();
        m_logger.info(kModule, QStringLiteral("Plugin activated"), {{QStringLiteral("plugin"), name}, {QStringLiteral("tools"), int(p->tools.size())}});
        done({});
    });
}

void PluginService::deactivate(const QString &name, std::function<void()> done)
{
    Plugin *p = find(name);
    if (!p || (!p->active && !p->activating)) {
        if (p)
            m_host->unload(name);
        return done();
    }
    const bool wasActive = p->active;
    p->active = false;
    p->activating = false;
    p->tools.clear();
    p->hooks.clear();
    if (!wasActive) {
        m_host->unload(name);
        return done();
    }
    const int version = p->app.version;
    // exports.deactivate() gets the call timeout (options.backend.timeoutMs); the engine goes either way.
    call(*p, QStringLiteral("/deactivate"), QJsonObject{{QStringLiteral("reason"), QStringLiteral("deactivate")}},
         [this, name, version, done](Result<QJsonObject> r) {
             if (m_closing)
                 return;
             if (!r || !r->value(QStringLiteral("ok")).toBool())
                 m_logger.warn(kModule, QStringLiteral("deactivate() failed"),
                               {{QStringLiteral("plugin"), name},
                                {QStringLiteral("error"), r ? r->value(QStringLiteral("error")).toString() : r.error().message}});
             Plugin *p = find(name);
             if (!p || p->app.version == version)
                 m_host->unload(name);
             done();
         });
}

// --- health -------------------------------------------------------------------------------------------------------

void PluginService::record(const QString &name, bool ok, const QString &error)
{
    Plugin *p = find(name);
    if (!p)
        return;
    ++p->health.totalCalls;
    if (ok) {
        p->health.consecutiveErrors = 0;
        return;
    }
    ++p->health.totalErrors;
    ++p->health.consecutiveErrors;
    p->health.lastError = error;
    p->health.lastErrorAt = m_clock.nowMs();
    if (p->health.consecutiveErrors >= m_options.autoDisableAfter && (p->active || p->activating))
        autoDisable(name);
}

void PluginService::autoDisable(const QString &name)
{
    Plugin *p = find(name);
    p->health.autoDisabled = true;
    const int errors = p->health.consecutiveErrors;
    const QString last = p->health.lastError;
    if (Status st = m_store.setEnabled(name, false); !st)
        m_logger.error(kModule, QStringLiteral("Auto-disable not stored"), {{QStringLiteral("plugin"), name}, {QStringLiteral("error"), st.error().message}});
    m_logger.warn(kModule, QStringLiteral("Plugin auto-disabled after repeated errors"),
                  {{QStringLiteral("plugin"), name}, {QStringLiteral("consecutiveErrors"), errors}, {QStringLiteral("lastError"), last}});
    deactivate(name, [] {});
    publish(QStringLiteral("plugin:autoDisabled"), name, {{QStringLiteral("consecutiveErrors"), errors}, {QStringLiteral("lastError"), last}});
    NotificationInput n;
    n.type = QStringLiteral("plugin:auto-disabled");
    n.title = QStringLiteral("Plugin disabled");
    n.body = QStringLiteral("The plugin %1 was disabled after %2 consecutive errors (last: %3)").arg(name).arg(errors).arg(last.left(300));
    n.relatedId = name;
    n.relatedType = QStringLiteral("plugin");
    if (auto sent = m_notifications.notifyAll(n); !sent)
        m_logger.warn(kModule, QStringLiteral("Auto-disable notification failed"), {{QStringLiteral("error"), sent.error().message}});
}

Result<QJsonObject> PluginService::resetHealth(const QString &name)
{
    auto p = existing(name);
    if (!p)
        return p.error();
    p.value()->health = {};
    return QJsonObject{{QStringLiteral("success"), true}};
}

// --- engine side --------------------------------------------------------------------------------------------------

QList<PluginToolInfo> PluginService::activeTools() const
{
    QList<PluginToolInfo> out;
    for (const auto &[name, p] : m_plugins)
        if (p.active)
            out += p.tools;
    return out;
}

void PluginService::callTool(const QString &plugin, const QString &tool, const QJsonObject &args, const QJsonObject &context,
                             std::function<void(QJsonValue)> done)
{
    const Plugin *p = find(plugin);
    if (!p || !p->active)
        return done(QJsonObject{{QStringLiteral("error"), QStringLiteral("The plugin %1 is not running").arg(plugin)}});
    call(*p, QStringLiteral("/tool/") + tool, QJsonObject{{QStringLiteral("args"), args}, {QStringLiteral("context"), context}},
         [this, plugin, tool, done](Result<QJsonObject> r) {
             if (m_closing)
                 return done(QJsonObject{{QStringLiteral("error"), QStringLiteral("Shutting down")}});
             QString error;
             if (!r)
                 error = r.error().message;
             else if (!r->value(QStringLiteral("ok")).toBool())
                 error = r->value(QStringLiteral("error")).toString();
             record(plugin, error.isEmpty(), error);
             if (!error.isEmpty()) {
                 m_logger.warn(kModule, QStringLiteral("Plugin tool failed"),
                               {{QStringLiteral("plugin"), plugin}, {QStringLiteral("tool"), tool}, {QStringLiteral("error"), error}});
                 return done(QJsonObject{{QStringLiteral("error"), error}});
             }
             done(r->value(QStringLiteral("result")));
         });
}

void PluginService::fireHook(const QString &hook, const QJsonObject &payload)
{
    for (const auto &[name, p] : m_plugins) {
        if (!p.active || !p.hooks.contains(hook))
            continue;
        call(p, QStringLiteral("/hook/") + hook, QJsonObject{{QStringLiteral("payload"), payload}},
             [this, plugin = name, hook](Result<QJsonObject> r) {
                 if (m_closing)
                     return;
                 QString error;
                 if (!r)
                     error = r.error().message;
                 else if (!r->value(QStringLiteral("ok")).toBool())
                     error = r->value(QStringLiteral("error")).toString();
                 if (!error.isEmpty())
                     m_logger.warn(kModule, QStringLiteral("Plugin hook failed"),
                                   {{QStringLiteral("plugin"), plugin}, {QStringLiteral("hook"), hook}, {QStringLiteral("error"), error}});
                 record(plugin, error.isEmpty(), error);
             });
    }
}

// --- REST side ----------------------------------------------------------------------------------------------------

void PluginService::publish(const QString &type, const QString &name, QJsonObject extra)
{
    if (!name.isEmpty())
        extra.insert(QStringLiteral("pluginName"), name);
    m_bus.broadcast(type, extra);
}

QJsonObject PluginService::summaryOf(const Plugin &p) const
{
    const PluginManifest *m = p.manifest ? &*p.manifest : nullptr;
    QList<PluginManifest> manifests;
    for (const auto &[n, other] : m_plugins)
        if (other.manifest)
            manifests << *other.manifest;
    const QString name = m ? m->name : p.dirName;
    auto state = m_store.state(name);
    const bool enabled = state && state.value() && state.value()->enabled;
    auto orNull = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    QJsonObject deps;
    if (m)
        for (auto it = m->dependencies.begin(); it != m->dependencies.end(); ++it)
            deps.insert(it.key(), it.value());
    const QString compat = m ? compatibilityError(*m, m_options.appVersion) : QString();
    QJsonObject o{
        {QStringLiteral("name"), name},
        {QStringLiteral("version"), m ? m->version : QString()},
        {QStringLiteral("description"), m ? m->description : QString()},
        {QStringLiteral("author"), orNull(m ? m->author : QString())},
        {QStringLiteral("homepage"), orNull(m ? m->homepage : QString())},
        {QStringLiteral("license"), orNull(m ? m->license : QString())},
        {QStringLiteral("icon"), orNull(m ? m->icon : QString())},
        {QStringLiteral("permissions"), QJsonArray::fromStringList(m ? m->permissions : QStringList())},
        {QStringLiteral("enabled"), enabled},
        {QStringLiteral("active"), p.active},
        {QStringLiteral("error"), orNull(!p.error.isEmpty() ? p.error : p.loadError)},
        {QStringLiteral("toolCount"), int(p.tools.size())},
        {QStringLiteral("hookCount"), int(p.hooks.size())},
        {QStringLiteral("providerCount"), 0},
        {QStringLiteral("channelCount"), 0},
        {QStringLiteral("providers"), QJsonArray()},
        {QStringLiteral("channels"), QJsonArray()},
        {QStringLiteral("configSchema"), m ? QJsonValue(m->configSchema) : QJsonValue()},
        {QStringLiteral("dependencies"), deps},
        {QStringLiteral("dependents"), QJsonArray::fromStringList(dependentsOf(manifests, name))},
        {QStringLiteral("installSource"), state && state.value() ? state.value()->installSource : QStringLiteral("local")},
        {QStringLiteral("installMeta"), state && state.value() && !state.value()->installMeta.isEmpty() ? QJsonValue(state.value()->installMeta) : QJsonValue()},
        {QStringLiteral("compatible"), compat.isEmpty()},
        {QStringLiteral("health"), QJsonObject{{QStringLiteral("totalCalls"), double(p.health.totalCalls)},
                                               {QStringLiteral("totalErrors"), p.health.totalErrors},
                                               {QStringLiteral("consecutiveErrors"), p.health.consecutiveErrors},
                                               {QStringLiteral("lastError"), orNull(p.health.lastError)},
                                               {QStringLiteral("lastErrorAt"), p.health.lastErrorAt ? QJsonValue(double(p.health.lastErrorAt)) : QJsonValue()},
                                               {QStringLiteral("autoDisabled"), p.health.autoDisabled}}},
    };
    if (!compat.isEmpty())
        o.insert(QStringLiteral("compatibilityError"), compat);
    return o;
}

QJsonArray PluginService::list() const
{
    QJsonArray out;
    for (const auto &[name, p] : m_plugins)
        out.append(summaryOf(p));
    return out;
}

Result<QJsonObject> PluginService::summary(const QString &name) const
{
    const Plugin *p = find(name);
    if (!p)
        return notFound(name);
    return summaryOf(*p);
}

Result<QJsonValue> PluginService::readme(const QString &name) const
{
    const Plugin *p = find(name);
    if (!p)
        return notFound(name);
    for (const QString &file : QDir(p->dir).entryList(QDir::Files)) {
        if (file.compare(QLatin1String("README.md"), Qt::CaseInsensitive) != 0)
            continue;
        QFile f(QDir(p->dir).filePath(file));
        if (f.open(QIODevice::ReadOnly))
            return QJsonValue(QString::fromUtf8(f.read(1024 * 1024)));
    }
    return QJsonValue();
}

Result<QJsonObject> PluginService::config(const QString &name) const
{
    const Plugin *p = find(name);
    if (!p)
        return notFound(name);
    if (!p->manifest)
        return QJsonObject();
    QJsonObject out = configWithDefaults(*p);
    for (const ConfigField &f : p->manifest->config)
        if (f.secret && out.contains(f.key) && !out.value(f.key).toString().isEmpty())
            out.insert(f.key, mask());
    return out;
}

void PluginService::enable(const QString &name, Done done)
{
    auto p = existing(name);
    if (!p)
        return done(p.error());
    if (!p.value()->error.isEmpty())
        return done(ApiError::badRequest(QStringLiteral("PLUGIN_INVALID"), p.value()->error));
    activate(name, [this, name, done](const QString &error) {
        if (!error.isEmpty())
            return done(ApiError::unprocessable(QStringLiteral("PLUGIN_ACTIVATION_FAILED"), error));
        if (Status st = m_store.setEnabled(name, true); !st)
            return done(st.error());
        if (Plugin *p = find(name))
            p->health.autoDisabled = false;
        publish(QStringLiteral("plugin:enabled"), name);
        done(summary(name));
    });
}

void PluginService::disable(const QString &name, Done done)
{
    auto p = existing(name);
    if (!p)
        return done(p.error());
    if (Status st = m_store.setEnabled(name, false); !st)
        return done(st.error());
    deactivate(name, [this, name, done] {
        publish(QStringLiteral("plugin:disabled"), name);
        done(summary(name));
    });
}

void PluginService::updateConfig(const QString &name, const QJsonObject &values, Done done)
{
    auto found = existing(name);
    if (!found)
        return done(found.error());
    Plugin *p = found.value();
    if (!p->manifest)
        return done(ApiError::badRequest(QStringLiteral("PLUGIN_INVALID"), p->error));
    QJsonObject previous;
    if (auto state = m_store.state(name); !state)
        return done(state.error());
    else if (state.value())
        previous = state.value()->config;
    QJsonObject merged = values;
    for (const ConfigField &f : p->manifest->config)
        if (f.secret && merged.value(f.key).toString() == mask()) {
            if (previous.contains(f.key))
                merged.insert(f.key, previous.value(f.key));
            else
                merged.remove(f.key);
        }
    auto checked = validateConfig(*p->manifest, merged);
    if (!checked)
        return done(checked.error());
    if (Status st = m_store.setConfig(name, checked.value()); !st)
        return done(st.error());
    publish(QStringLiteral("plugin:configUpdated"), name);
    if (!p->active)
        return done(QJsonObject{{QStringLiteral("success"), true}});
    // A running plugin reads its config at activation: restart it with the new one.
    deactivate(name, [this, name, done] {
        activate(name, [done](const QString &error) {
            QJsonObject out{{QStringLiteral("success"), true}};
            if (!error.isEmpty())
                out.insert(QStringLiteral("warning"), QStringLiteral("The plugin did not restart: ") + error);
            done(out);
        });
    });
}

void PluginService::reload(Done done)
{
    QStringList running;
    for (const auto &[name, p] : m_plugins)
        if (p.active || p.activating)
            running << name;
    auto remaining = std::make_shared<int>(int(running.size()) + 1);
    auto next = [this, remaining, done] {
        if (--*remaining > 0)
            return;
        start([this, done] {
            publish(QStringLiteral("plugin:reloaded"), QString());
            done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("plugins"), list()}});
        });
    };
    for (const QString &name : running)
        deactivate(name, next);
    next();
}

} // namespace kinbot::plugins
