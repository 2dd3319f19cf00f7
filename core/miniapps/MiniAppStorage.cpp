#include "miniapps/MiniAppStorage.h"

#include "storage/Database.h"
#include "util/Clock.h"

namespace kinbot {

namespace {

ApiError storageError(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("STORAGE_ERROR"), message);
}

Status validKey(const QString &key)
{
    if (key.isEmpty())
        return storageError(QStringLiteral("Key must not be empty"));
    if (key.size() > MiniAppStorage::kMaxKeyLength)
        return storageError(QStringLiteral("Key too long: max %1 characters").arg(MiniAppStorage::kMaxKeyLength));
    return {};
}

} // namespace

Result<std::optional<QByteArray>> MiniAppStorage::get(const QString &appId, const QString &key) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT value FROM mini_app_storage WHERE app_id = ? AND key = ?"), {appId, key});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<QByteArray>();
    return std::optional<QByteArray>(row.value()->at(0).toString().toUtf8());
}

Status MiniAppStorage::set(const QString &appId, const QString &key, const QByteArray &json) const
{
    if (Status k = validKey(key); !k)
        return k;
    const QString text = QString::fromUtf8(json);
    if (text.size() > kMaxValueLength)
        return storageError(QStringLiteral("Value too large: max %1 characters of JSON").arg(kMaxValueLength));
    return m_db.transaction([&]() -> Status {
        auto exists = m_db.selectOne(QStringLiteral("SELECT 1 FROM mini_app_storage WHERE app_id = ? AND key = ?"), {appId, key});
        if (!exists)
            return exists.error();
        if (!exists.value()) {
            auto count = m_db.selectOne(QStringLiteral("SELECT COUNT(*) FROM mini_app_storage WHERE app_id = ?"), {appId});
            if (!count)
                return count.error();
            if (count.value() && count.value()->at(0).toInt() >= kMaxKeys)
                return storageError(QStringLiteral("Storage full: max %1 keys per app").arg(kMaxKeys));
        }
        auto r = m_db.run(QStringLiteral("INSERT INTO mini_app_storage(app_id, key, value, updated_at) VALUES(?,?,?,?) "
                                         "ON CONFLICT(app_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
                          {appId, key, text, m_clock.nowMs()});
        return r ? Status() : Status(r.error());
    });
}

Result<bool> MiniAppStorage::remove(const QString &appId, const QString &key) const
{
    auto r = m_db.run(QStringLiteral("DELETE FROM mini_app_storage WHERE app_id = ? AND key = ?"), {appId, key});
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<QList<StorageEntryInfo>> MiniAppStorage::list(const QString &appId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT key, length(value) FROM mini_app_storage WHERE app_id = ? ORDER BY key"), {appId}),
                   [](const Database::Row &r) { return StorageEntryInfo{r.at(0).toString(), r.at(1).toLongLong()}; });
}

Result<int> MiniAppStorage::clear(const QString &appId) const
{
    return m_db.run(QStringLiteral("DELETE FROM mini_app_storage WHERE app_id = ?"), {appId});
}

} // namespace kinbot
