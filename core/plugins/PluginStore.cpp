#include "plugins/PluginStore.h"

#include "crypto/SecretBox.h"
#include "storage/Database.h"
#include "util/Clock.h"

#include <QJsonDocument>

namespace kinbot::plugins {

namespace {

constexpr qint64 kMaxValueBytes = 1024 * 1024; // one stored value
constexpr int kMaxKeyLength = 512;

QByteArray contextOf(const QString &name)
{
    return "plugin:" + name.toUtf8() + ":config";
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

PluginStore::PluginStore(const Database &db, const SecretBox &box, const Clock &clock) : m_db(db), m_box(box), m_clock(clock) {}

Result<std::optional<PluginState>> PluginStore::state(const QString &name) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT name, enabled, config_encrypted, install_source, install_meta FROM plugin_states WHERE name = ?"),
                              {name});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<PluginState>();
    const auto &r = *row.value();
    PluginState s;
    s.name = r.value(0).toString();
    s.enabled = r.value(1).toLongLong() != 0;
    if (!r.value(2).isNull()) {
        auto plain = m_box.open(r.value(2).toString(), contextOf(name));
        if (!plain)
            return ApiError::internal(QStringLiteral("The config of plugin %1 cannot be decrypted").arg(name));
        s.config = QJsonDocument::fromJson(plain.value()).object();
    }
    s.installSource = r.value(3).toString();
    s.installMeta = QJsonDocument::fromJson(r.value(4).toString().toUtf8()).object();
    return std::optional<PluginState>(s);
}

Status PluginStore::ensure(const QString &name, const QString &installSource, const QJsonObject &installMeta)
{
    const qint64 now = m_clock.nowMs();
    auto r = m_db.run(QStringLiteral("INSERT INTO plugin_states (name, install_source, install_meta, created_at, updated_at) VALUES (?,?,?,?,?) "
                                     "ON CONFLICT(name) DO NOTHING"),
                      {name, installSource, installMeta.isEmpty() ? QVariant() : QVariant(compact(installMeta)), now, now});
    if (!r)
        return r.error();
    return {};
}

Status PluginStore::setEnabled(const QString &name, bool enabled)
{
    if (Status st = ensure(name); !st)
        return st;
    auto r = m_db.run(QStringLiteral("UPDATE plugin_states SET enabled = ?, updated_at = ? WHERE name = ?"), {enabled ? 1 : 0, m_clock.nowMs(), name});
    if (!r)
        return r.error();
    return {};
}

Status PluginStore::setConfig(const QString &name, const QJsonObject &config)
{
    if (Status st = ensure(name); !st)
        return st;
    auto r = m_db.run(QStringLiteral("UPDATE plugin_states SET config_encrypted = ?, updated_at = ? WHERE name = ?"),
                      {m_box.seal(compact(config).toUtf8(), contextOf(name)), m_clock.nowMs(), name});
    if (!r)
        return r.error();
    return {};
}

Status PluginStore::forget(const QString &name)
{
    return m_db.transaction([&]() -> Status {
        for (const char *sql : {"DELETE FROM plugin_states WHERE name = ?", "DELETE FROM plugin_storage WHERE plugin_name = ?"})
            if (auto r = m_db.run(QLatin1String(sql), {name}); !r)
                return r.error();
        return {};
    });
}

Result<QString> PluginStore::sealedConfig(const QString &name) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT config_encrypted FROM plugin_states WHERE name = ?"), {name});
    if (!row)
        return row.error();
    return row.value() ? row.value()->value(0).toString() : QString();
}

Result<std::optional<QByteArray>> PluginStore::get(const QString &plugin, const QString &key)
{
    auto row = m_db.selectOne(QStringLiteral("SELECT value FROM plugin_storage WHERE plugin_name = ? AND key = ?"), {plugin, key});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<QByteArray>();
    return std::optional<QByteArray>(row.value()->value(0).toString().toUtf8());
}

Status PluginStore::set(const QString &plugin, const QString &key, const QByteArray &json)
{
    if (key.isEmpty() || key.size() > kMaxKeyLength)
        return ApiError::validation(QStringLiteral("A storage key must have 1 to %1 characters").arg(kMaxKeyLength));
    if (json.size() > kMaxValueBytes)
        return ApiError::tooLarge(QStringLiteral("A stored value may not exceed 1 MB"));
    auto r = m_db.run(QStringLiteral("INSERT INTO plugin_storage (plugin_name, key, value, updated_at) VALUES (?,?,?,?) "
                                     "ON CONFLICT(plugin_name, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
                      {plugin, key, QString::fromUtf8(json), m_clock.nowMs()});
    if (!r)
        return r.error();
    return {};
}

Result<bool> PluginStore::remove(const QString &plugin, const QString &key)
{
    auto r = m_db.run(QStringLiteral("DELETE FROM plugin_storage WHERE plugin_name = ? AND key = ?"), {plugin, key});
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<QList<miniapps::StorageKey>> PluginStore::list(const QString &plugin)
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT key, length(value) FROM plugin_storage WHERE plugin_name = ? ORDER BY key"), {plugin}),
                   [](const Database::Row &r) { return miniapps::StorageKey{r.value(0).toString(), r.value(1).toLongLong()}; });
}

Result<int> PluginStore::clear(const QString &plugin)
{
    return m_db.run(QStringLiteral("DELETE FROM plugin_storage WHERE plugin_name = ?"), {plugin});
}

} // namespace kinbot::plugins
