#include "api/MiniAppBackendController.h"

#include "api/MiniAppEventStreams.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "miniapps/MiniAppService.h"
#include "miniapps/MiniAppServing.h"
#include "miniapps/MiniAppStorage.h"
#include "miniapps/backend/BackendHost.h"

namespace kinbot {

Result<std::optional<QByteArray>> MiniAppBackendBridge::get(const QString &appId, const QString &key)
{
    return m_storage.get(appId, key);
}

Status MiniAppBackendBridge::set(const QString &appId, const QString &key, const QByteArray &json)
{
    return m_storage.set(appId, key, json);
}

Result<bool> MiniAppBackendBridge::remove(const QString &appId, const QString &key)
{
    return m_storage.remove(appId, key);
}

Result<QList<miniapps::StorageKey>> MiniAppBackendBridge::list(const QString &appId)
{
    auto keys = m_storage.list(appId);
    if (!keys)
        return keys.error();
    QList<miniapps::StorageKey> out;
    for (const StorageEntryInfo &k : keys.value())
        out.append({k.key, k.size});
    return out;
}

Result<int> MiniAppBackendBridge::clear(const QString &appId)
{
    return m_storage.clear(appId);
}

void MiniAppBackendBridge::emitAppEvent(const QString &appId, const QString &event, const std::optional<QJsonValue> &data)
{
    m_streams.emitEvent(appId, event, data);
}

int MiniAppBackendBridge::subscriberCount(const QString &appId) const
{
    return m_streams.subscriberCount(appId);
}

MiniAppBackendController::MiniAppBackendController(MiniAppService &apps, miniapps::BackendHost &host, QObject *parent)
    : QObject(parent), m_apps(apps), m_host(host)
{
    connect(&m_apps, &MiniAppService::backendInvalidated, this, [this](const QString &appId) {
        // A deleted app (or one whose backend file is gone) frees its engine now; a changed one reloads on next use.
        auto app = m_apps.get(appId);
        if (!app || !app->hasBackend)
            m_host.unload(appId);
        else
            m_host.invalidate(appId);
    });
}

void MiniAppBackendController::handle(const ExchangePtr &ex)
{
    auto app = m_apps.get(ex->param(QStringLiteral("id")));
    if (!app)
        return ex->fail(app.error());
    if (!app->hasBackend)
        return ex->fail(ApiError::notFound(QStringLiteral("NO_BACKEND"), QStringLiteral("This app has no backend. Write a _server.js file to add one.")));

    // The app sees its own path: /api/mini-apps/<id>/api/items/3?x=1 → /items/3?x=1 (still percent-encoded).
    const QByteArray prefix = "/api/mini-apps/" + ex->param(QStringLiteral("id")).toUtf8() + "/api";
    QByteArray path = ex->rawPath();
    path = path.startsWith(prefix) ? path.mid(prefix.size()) : QByteArray();
    if (!path.startsWith('/'))
        path.prepend('/');
    const QByteArray host = ex->header("host").isEmpty() ? QByteArrayLiteral("localhost") : ex->header("host");
    QByteArray target = "http://" + host + path;
    const QString query = ex->query().toString(QUrl::FullyEncoded);
    if (!query.isEmpty())
        target += '?' + query.toUtf8();

    miniapps::BackendRequest request;
    request.method = ex->method();
    request.url = QUrl::fromEncoded(target);
    for (auto it = ex->headers().begin(); it != ex->headers().end(); ++it)
        request.headers.append({it.key(), it.value()});
    request.body = ex->body();

    const miniapps::BackendApp backendApp{app->id, app->kinId, app->name, m_apps.appDir(app.value()), app->version};
    m_host.handle(backendApp, std::move(request), [ex](Result<miniapps::BackendResponse> response) {
        if (!response)
            return ex->fail(response.error());
        QByteArray contentType;
        HeaderPairs headers;
        for (const auto &[name, value] : response->headers) {
            const QByteArray lower = name.toLower();
            if (lower == "content-type")
                contentType = value;
            else if (lower != "content-length" && lower != "transfer-encoding" && lower != "connection" && lower != "keep-alive")
                headers.append({name, value});
        }
        Reply r = Reply::bytes(response->body, contentType, response->status);
        r.headers.append(headers);
        // A page a backend renders runs under the app's policy, like /serve.
        if (contentType.startsWith("text/html")) {
            bool hasCsp = false;
            for (const auto &h : r.headers)
                hasCsp = hasCsp || h.first.toLower() == "content-security-policy";
            if (!hasCsp)
                r.header("Content-Security-Policy", miniapp::contentSecurityPolicy());
        }
        ex->send(r);
    });
}

} // namespace kinbot
