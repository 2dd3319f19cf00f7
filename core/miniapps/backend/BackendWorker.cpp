#include "miniapps/backend/BackendWorker.h"

#include "log/Logger.h"
#include "miniapps/JsTranspiler.h"
#include "miniapps/backend/BackendFetch.h"
#include "miniapps/backend/JsRuntimeResources.h"
#include "util/PrivateNetwork.h"

#include <QDir>
#include <QFileInfo>
#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QStringDecoder>
#include <QThread>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace kinbot::miniapps {

namespace {

constexpr double kLoadId = 0; // settle() id of the load; requests count from 1

QVariantMap failure(const ApiError &e)
{
    return {{QStringLiteral("error"), e.message}};
}

} // namespace

BackendWorker::BackendWorker(BackendApp app, Deps deps, Callbacks callbacks)
    : m_app(std::move(app)), m_deps(std::move(deps)), m_cb(std::move(callbacks))
{
}

BackendWorker::~BackendWorker() = default;

void BackendWorker::interrupt(bool forGood)
{
    QMutexLocker lock(&m_engineMutex);
    if (forGood)
        m_closing = true;
    else
        m_interruptPending = true;
    if (m_engine)
        m_engine->setInterrupted(true);
}

void BackendWorker::resumeIfInterrupted()
{
    if (m_closing || !m_interruptPending.exchange(false))
        return;
    QMutexLocker lock(&m_engineMutex);
    if (m_engine && !m_closing)
        m_engine->setInterrupted(false);
}

void BackendWorker::ping()
{
    resumeIfInterrupted();
    m_cb.pong();
}

QString BackendWorker::describe(const QJSValue &error) const
{
    QString text = error.toString();
    const QJSValue line = error.property(QStringLiteral("lineNumber"));
    if (line.isNumber() && line.toInt() > 0) {
        QString file = error.property(QStringLiteral("fileName")).toString();
        text += QStringLiteral(" (%1:%2)").arg(file.isEmpty() || file == QLatin1String("undefined") ? QStringLiteral("bundle") : file).arg(line.toInt());
    }
    return text;
}

void BackendWorker::load()
{
    if (m_closing)
        return; // retired before the load began (e.g. a newer version arrived at once)
    const QDir dir(m_app.appDir);
    QString entry = m_app.entry;
    if (!entry.isEmpty() && !QFileInfo(dir.filePath(entry)).isFile())
        return m_cb.loaded(QStringLiteral("the entry file %1 is missing").arg(entry));
    for (const char *name : {"_server.js", "_server.ts"})
        if (entry.isEmpty() && QFileInfo(dir.filePath(QLatin1String(name))).isFile())
            entry = QLatin1String(name);
    if (entry.isEmpty())
        return m_cb.loaded(QStringLiteral("no _server.js or _server.ts in the app directory"));
    const auto bundle = JsTranspiler::bundleBackend(m_app.appDir, entry);
    if (!bundle)
        return m_cb.loaded(bundle.error().message);

    m_cb.evaluating();
    auto *engine = new QJSEngine;
    {
        QMutexLocker lock(&m_engineMutex);
        m_engine = engine;
        if (m_closing) // retired during the transpile: evaluate nothing
            engine->setInterrupted(true);
    }
    m_bridge = new BackendBridge(*this);
    for (const QString &module : backendRuntimeModules()) {
        if (!QFileInfo::exists(module))
            return m_cb.loaded(QStringLiteral("the embedded runtime module %1 is missing").arg(module));
        const QJSValue r = engine->importModule(module);
        if (r.isError())
            return m_cb.loaded(QStringLiteral("the runtime failed to start: ") + describe(r));
    }
    m_glue = engine->globalObject().property(QStringLiteral("__kinbot"));
    m_dispatch = m_glue.property(QStringLiteral("dispatch"));
    m_fire = m_glue.property(QStringLiteral("fire"));
    m_fetchDone = m_glue.property(QStringLiteral("fetchDone"));
    QJSValue bridge = engine->newQObject(m_bridge);
    QJSEngine::setObjectOwnership(m_bridge, QJSEngine::CppOwnership);
    QJSValue info = engine->newObject();
    info.setProperty(QStringLiteral("appId"), m_app.appId);
    info.setProperty(QStringLiteral("kinId"), m_app.kinId);
    info.setProperty(QStringLiteral("appName"), m_app.appName);
    if (!m_app.plugin.isEmpty())
        info.setProperty(QStringLiteral("plugin"), engine->toScriptValue(m_app.plugin.toVariantMap()));
    QJSValue r = m_glue.property(QStringLiteral("setup")).callWithInstance(m_glue, {bridge, info});
    if (r.isError())
        return m_cb.loaded(QStringLiteral("the runtime failed to start: ") + describe(r));

    r = engine->evaluate(QString::fromUtf8(bundle.value()), entry);
    if (r.isError())
        return m_cb.loaded(QStringLiteral("evaluating %1 failed: %2").arg(entry, describe(r)));
    const QJSValue module = engine->globalObject().property(QLatin1String(JsTranspiler::kGlobalName));
    r = m_glue.property(QStringLiteral("load")).callWithInstance(m_glue, {kLoadId, module});
    if (r.isError())
        return m_cb.loaded(QStringLiteral("starting the backend failed: ") + describe(r));
    // The glue settles kLoadId (maybe after the factory's Promise) → settle() → m_cb.loaded.
}

void BackendWorker::dispatch(quint64 id, const BackendRequest &request)
{
    resumeIfInterrupted();
    if (!m_ready || !m_engine)
        return m_cb.settled(id, backend_errors::gone(QStringLiteral("The backend is not loaded")));
    QUrl url = request.url;
    if (url.scheme().isEmpty() || url.host().isEmpty()) {
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("localhost"));
    }
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));
    QJSValue headers = m_engine->newArray(uint(request.headers.size()));
    for (int i = 0; i < request.headers.size(); ++i) {
        QJSValue pair = m_engine->newArray(2);
        pair.setProperty(0, QString::fromLatin1(request.headers[i].first));
        pair.setProperty(1, QString::fromUtf8(request.headers[i].second));
        headers.setProperty(quint32(i), pair);
    }
    const QString method = QString::fromLatin1(request.method.toUpper());
    // UTF-8 text goes in as a string; other bytes as an ArrayBuffer (c.req.arrayBuffer() then gets them unchanged).
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8.decode(request.body);
    const QJSValue body = utf8.hasError() ? m_engine->toScriptValue(request.body) : QJSValue(text);
    const QJSValue r = m_dispatch.callWithInstance(m_glue, {double(id), method, url.toString(QUrl::FullyEncoded), headers, body,
                                                            !request.body.isEmpty()});
    if (r.isError()) {
        log(QStringLiteral("error"), QStringLiteral("Backend error: ") + describe(r));
        m_cb.settled(id, backend_errors::failed());
    }
}

void BackendWorker::settle(double id, bool ok, const QJSValue &value)
{
    if (id == kLoadId) {
        m_ready = ok;
        if (ok) {
            // What parsing and starting left behind goes back to the system now: about 0.5 MB of RSS per backend.
            m_engine->collectGarbage();
#ifdef __GLIBC__
            malloc_trim(0);
#endif
        }
        return m_cb.loaded(ok ? QString() : value.toString());
    }
    const auto requestId = quint64(id);
    if (!ok) {
        log(QStringLiteral("error"), QStringLiteral("Backend error: ") + value.toString());
        return m_cb.settled(requestId, backend_errors::failed());
    }
    BackendResponse response;
    response.status = value.property(QStringLiteral("status")).toInt();
    const QJSValue headers = value.property(QStringLiteral("headers"));
    const int n = headers.property(QStringLiteral("length")).toInt();
    for (int i = 0; i < n; ++i) {
        const QJSValue pair = headers.property(quint32(i));
        response.headers.append({pair.property(0).toString().toLatin1(), pair.property(1).toString().toUtf8()});
    }
    const QJSValue body = value.property(QStringLiteral("body"));
    response.body = value.property(QStringLiteral("binary")).toBool() ? m_engine->fromScriptValue<QByteArray>(body) : body.toString().toUtf8();
    m_cb.settled(requestId, std::move(response));
}

void BackendWorker::log(const QString &level, const QString &message)
{
    const QString module = m_app.logModule.isEmpty() ? QStringLiteral("miniapp:") + m_app.appId : m_app.logModule;
    if (!m_deps.logger) {
        qInfo().noquote() << module << level << message;
        return;
    }
    m_deps.logger->log(logLevelFromName(level, LogLevel::Info), module, message);
}

QNetworkAccessManager &BackendWorker::network()
{
    if (!m_network)
        m_network = new QNetworkAccessManager(m_bridge);
    return *m_network;
}

void BackendWorker::shutdown()
{
    m_ready = false;
    m_glue = m_dispatch = m_fire = m_fetchDone = QJSValue();
    delete m_bridge; // its timers and network go with it
    m_bridge = nullptr;
    m_network = nullptr;
    QJSEngine *engine = nullptr;
    {
        QMutexLocker lock(&m_engineMutex);
        std::swap(engine, m_engine);
    }
    delete engine;
    thread()->quit();
}

// ---------------------------------------------------------------------------------------------------------------------

BackendBridge::BackendBridge(BackendWorker &worker) : m_worker(worker) {}

BackendBridge::~BackendBridge() = default;

void BackendBridge::settle(double id, bool ok, const QJSValue &value)
{
    m_worker.settle(id, ok, value);
}

QVariantMap BackendBridge::storageGet(const QString &key)
{
    if (!m_worker.m_deps.storage)
        return {{QStringLiteral("error"), QStringLiteral("Storage is not available")}};
    const auto r = m_worker.m_deps.storage->get(m_worker.m_app.appId, key);
    if (!r)
        return failure(r.error());
    return {{QStringLiteral("value"), r.value() ? QVariant(QString::fromUtf8(*r.value())) : QVariant::fromValue(nullptr)}};
}

QVariantMap BackendBridge::storageSet(const QString &key, const QString &json)
{
    if (!m_worker.m_deps.storage)
        return {{QStringLiteral("error"), QStringLiteral("Storage is not available")}};
    const auto r = m_worker.m_deps.storage->set(m_worker.m_app.appId, key, json.toUtf8());
    if (!r)
        return failure(r.error());
    return {};
}

QVariantMap BackendBridge::storageDelete(const QString &key)
{
    if (!m_worker.m_deps.storage)
        return {{QStringLiteral("error"), QStringLiteral("Storage is not available")}};
    const auto r = m_worker.m_deps.storage->remove(m_worker.m_app.appId, key);
    if (!r)
        return failure(r.error());
    return {{QStringLiteral("value"), r.value()}};
}

QVariantMap BackendBridge::storageList()
{
    if (!m_worker.m_deps.storage)
        return {{QStringLiteral("error"), QStringLiteral("Storage is not available")}};
    const auto r = m_worker.m_deps.storage->list(m_worker.m_app.appId);
    if (!r)
        return failure(r.error());
    QVariantList keys;
    for (const StorageKey &k : r.value())
        keys.append(QVariantMap{{QStringLiteral("key"), k.key}, {QStringLiteral("size"), double(k.size)}});
    return {{QStringLiteral("value"), keys}};
}

QVariantMap BackendBridge::storageClear()
{
    if (!m_worker.m_deps.storage)
        return {{QStringLiteral("error"), QStringLiteral("Storage is not available")}};
    const auto r = m_worker.m_deps.storage->clear(m_worker.m_app.appId);
    if (!r)
        return failure(r.error());
    return {{QStringLiteral("value"), r.value()}};
}

void BackendBridge::emitEvent(const QString &name, bool hasData, const QString &json)
{
    if (!m_worker.m_deps.events)
        return;
    std::optional<QJsonValue> data;
    if (hasData) // wrapped in an array: QJsonDocument parses only objects and arrays at the top level
        data = QJsonDocument::fromJson("[" + json.toUtf8() + "]").array().at(0);
    m_worker.m_deps.events->emitAppEvent(m_worker.m_app.appId, name, data);
}

int BackendBridge::subscriberCount()
{
    return m_worker.m_deps.events ? m_worker.m_deps.events->subscriberCount(m_worker.m_app.appId) : 0;
}

void BackendBridge::log(const QString &level, const QString &message)
{
    m_worker.log(level, message);
}

void BackendBridge::timerStart(int id, int ms, bool repeat)
{
    auto *timer = new QTimer(this);
    timer->setSingleShot(!repeat);
    m_timers.insert(id, timer);
    connect(timer, &QTimer::timeout, this, [this, id, repeat] {
        if (!repeat)
            m_timers.take(id)->deleteLater();
        m_worker.resumeIfInterrupted();
        const QJSValue r = m_worker.m_fire.callWithInstance(m_worker.m_glue, {id});
        if (r.isError())
            m_worker.log(QStringLiteral("error"), QStringLiteral("Timer callback failed: ") + m_worker.describe(r));
    });
    timer->start(ms);
}

void BackendBridge::timerStop(int id)
{
    // Maybe called from this very timer's callback: stopped now, deleted once its signal has returned.
    if (QTimer *timer = m_timers.take(id)) {
        timer->stop();
        timer->deleteLater();
    }
}

void BackendBridge::fetch(double id, const QString &url, const QString &method, const QJSValue &headers, const QString &body,
                          bool hasBody)
{
    FetchCall call;
    call.url = QUrl(url);
    call.method = method.toUpper().toLatin1();
    const int n = headers.property(QStringLiteral("length")).toInt();
    for (int i = 0; i < n; ++i) {
        const QJSValue pair = headers.property(quint32(i));
        call.headers.append({pair.property(0).toString().toLatin1(), pair.property(1).toString().toUtf8()});
    }
    call.body = body.toUtf8();
    call.hasBody = hasBody;
    const BackendOptions &o = m_worker.m_deps.options;
    FetchLimits limits;
    limits.timeoutMs = o.fetchTimeoutMs;
    limits.maxBytes = o.fetchMaxBytes;
    limits.guard = o.hostGuard ? o.hostGuard : HostGuard([allow = o.allowPrivateNetwork](QObject *ctx, const QString &host, std::function<void(QString)> verdict) {
        netguard::checkHost(ctx, host, allow, std::move(verdict));
    });
    if (m_worker.m_app.allowedHosts)
        limits.guard = [hosts = *m_worker.m_app.allowedHosts, inner = limits.guard](QObject *ctx, const QString &host, std::function<void(QString)> verdict) {
            if (!hosts.contains(host.toLower()))
                return verdict(QStringLiteral("host %1 is not allowed: the plugin does not declare the permission http:%1").arg(host.toLower()));
            inner(ctx, host, std::move(verdict));
        };
    backendFetch(m_worker.network(), this, call, limits, [this, id](Result<FetchAnswer> r) {
        QJSEngine *engine = m_worker.m_engine;
        if (!engine)
            return;
        m_worker.resumeIfInterrupted();
        QJSValue result;
        if (!r) {
            result = r.error().message;
        } else {
            const FetchAnswer &a = r.value();
            result = engine->newObject();
            result.setProperty(QStringLiteral("status"), a.status);
            result.setProperty(QStringLiteral("statusText"), a.statusText);
            result.setProperty(QStringLiteral("url"), a.url.toString());
            QJSValue hs = engine->newArray(uint(a.headers.size()));
            for (int i = 0; i < a.headers.size(); ++i) {
                QJSValue pair = engine->newArray(2);
                pair.setProperty(0, QString::fromLatin1(a.headers[i].first));
                pair.setProperty(1, QString::fromUtf8(a.headers[i].second));
                hs.setProperty(quint32(i), pair);
            }
            result.setProperty(QStringLiteral("headers"), hs);
            result.setProperty(QStringLiteral("body"), QString::fromUtf8(a.body));
        }
        const QJSValue v = m_worker.m_fetchDone.callWithInstance(m_worker.m_glue, {id, r.ok(), result});
        if (v.isError())
            m_worker.log(QStringLiteral("error"), QStringLiteral("fetch() completion failed: ") + m_worker.describe(v));
    });
}

} // namespace kinbot::miniapps
