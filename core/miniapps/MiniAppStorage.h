#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace kinbot {

class Clock;
class Database;

struct StorageEntryInfo
{
    QString key;
    qint64 size = 0; // length of the stored JSON text
};

// The key-value store of mini-apps (mini_app_storage), shared by an app's frontend (REST) and its _server.js backend.
// Values are JSON text. Limits as the reference: key ≤ 256 characters, value ≤ 65 536 characters of JSON, ≤ 500 keys
// per app (updating an existing key is always allowed). Thread-safe: every call uses the calling thread's connection,
// so backend worker threads call it directly.
class MiniAppStorage final
{
public:
    static constexpr int kMaxKeyLength = 256;
    static constexpr int kMaxValueLength = 65536;
    static constexpr int kMaxKeys = 500;

    MiniAppStorage(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

    // nullopt when the key is not set.
    Result<std::optional<QByteArray>> get(const QString &appId, const QString &key) const;
    // 400 STORAGE_ERROR for a bad key, a value over the limit or the key cap.
    Status set(const QString &appId, const QString &key, const QByteArray &json) const;
    Result<bool> remove(const QString &appId, const QString &key) const;
    Result<QList<StorageEntryInfo>> list(const QString &appId) const;
    Result<int> clear(const QString &appId) const;

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
