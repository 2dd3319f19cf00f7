#pragma once

#include "miniapps/backend/BackendServices.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace kinbot {
class Clock;
class Database;
class SecretBox;
} // namespace kinbot

namespace kinbot::plugins {

struct PluginState
{
    QString name;
    bool enabled = false;
    QJsonObject config; // decrypted
    QString installSource = QStringLiteral("local");
    QJsonObject installMeta;
};

// plugin_states and plugin_storage. The storage half is what a plugin's ctx.storage reaches, from the plugin's own
// worker thread (the BackendStorage interface of the JS host, the plugin name as the app id): thread-safe, each thread
// uses its own connection.
class PluginStore final : public miniapps::BackendStorage
{
public:
    PluginStore(const Database &db, const SecretBox &box, const Clock &clock);

    Result<std::optional<PluginState>> state(const QString &name) const;
    Status ensure(const QString &name, const QString &installSource = QStringLiteral("local"), const QJsonObject &installMeta = {});
    Status setEnabled(const QString &name, bool enabled);
    Status setConfig(const QString &name, const QJsonObject &config); // sealed at rest
    Status forget(const QString &name);                                // state and storage
    // The sealed column as stored (tests check it holds no clear text).
    Result<QString> sealedConfig(const QString &name) const;

    Result<std::optional<QByteArray>> get(const QString &plugin, const QString &key) override;
    Status set(const QString &plugin, const QString &key, const QByteArray &json) override;
    Result<bool> remove(const QString &plugin, const QString &key) override;
    Result<QList<miniapps::StorageKey>> list(const QString &plugin) override;
    Result<int> clear(const QString &plugin) override;

private:
    const Database &m_db;
    const SecretBox &m_box;
    const Clock &m_clock;
};

} // namespace kinbot::plugins
