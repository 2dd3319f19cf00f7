#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace kinbot::miniapps {

struct StorageKey
{
    QString key;
    qint64 size = 0; // length of the stored JSON text
};

// The app's key-value storage as a backend sees it (ctx.storage): the same namespace and limits as the REST storage.
// Called from backend worker threads: implementations are thread-safe.
class BackendStorage
{
public:
    virtual ~BackendStorage() = default;
    virtual Result<std::optional<QByteArray>> get(const QString &appId, const QString &key) = 0; // stored JSON text
    virtual Status set(const QString &appId, const QString &key, const QByteArray &json) = 0;    // enforces limits
    virtual Result<bool> remove(const QString &appId, const QString &key) = 0;
    virtual Result<QList<StorageKey>> list(const QString &appId) = 0;
    virtual Result<int> clear(const QString &appId) = 0;
};

// ctx.events: events pushed to the app's /events SSE subscribers. Called from any thread.
class BackendEvents
{
public:
    virtual ~BackendEvents() = default;
    // data: nullopt when the backend passed none (the frame then has no "data" field).
    virtual void emitAppEvent(const QString &appId, const QString &event, const std::optional<QJsonValue> &data) = 0;
    virtual int subscriberCount(const QString &appId) const = 0;
};

} // namespace kinbot::miniapps
