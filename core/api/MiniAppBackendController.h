#pragma once

#include "http/Route.h"
#include "miniapps/backend/BackendServices.h"

#include <QObject>

namespace kinbot {

class MiniAppEventStreams;
class MiniAppService;
class MiniAppStorage;
namespace miniapps {
class BackendHost;
}

// What a backend's ctx.storage and ctx.events reach: the app's REST storage and its /events streams.
class MiniAppBackendBridge final : public miniapps::BackendStorage, public miniapps::BackendEvents
{
public:
    MiniAppBackendBridge(MiniAppStorage &storage, MiniAppEventStreams &streams) : m_storage(storage), m_streams(streams) {}

    Result<std::optional<QByteArray>> get(const QString &appId, const QString &key) override;
    Status set(const QString &appId, const QString &key, const QByteArray &json) override;
    Result<bool> remove(const QString &appId, const QString &key) override;
    Result<QList<miniapps::StorageKey>> list(const QString &appId) override;
    Result<int> clear(const QString &appId) override;
    void emitAppEvent(const QString &appId, const QString &event, const std::optional<QJsonValue> &data) override;
    int subscriberCount(const QString &appId) const override;

private:
    MiniAppStorage &m_storage;
    MiniAppEventStreams &m_streams;
};

// ALL /api/mini-apps/:id/api/* (miniapps.md §2.10, §3): the request, its path after /api minus the prefix, goes to the
// app's _server.js through the BackendHost, and the backend's answer comes back as it is. 404 NO_BACKEND when the app
// has none; load failures 500 BACKEND_UNAVAILABLE, a stuck request 504 BACKEND_TIMEOUT.
class MiniAppBackendController final : public QObject
{
    Q_OBJECT
public:
    MiniAppBackendController(MiniAppService &apps, miniapps::BackendHost &host, QObject *parent = nullptr);

    void handle(const ExchangePtr &ex);

private:
    MiniAppService &m_apps;
    miniapps::BackendHost &m_host;
};

} // namespace kinbot
