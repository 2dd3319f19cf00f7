#include "miniapps/MiniAppStore.h"

#include "storage/Database.h"

#include <QJsonValue>

namespace kinbot {

namespace {

const QString kSelect = QStringLiteral("SELECT id, kin_id, name, slug, description, icon, icon_url, entry_file, has_backend, "
                                       "is_active, version, created_at, updated_at FROM mini_apps ");

std::optional<QString> optionalText(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<QString>(v.toString());
}

QVariant nullable(const std::optional<QString> &v)
{
    return v ? QVariant(*v) : QVariant();
}

MiniApp fromRow(const Database::Row &r)
{
    MiniApp a;
    a.id = r.at(0).toString();
    a.kinId = r.at(1).toString();
    a.name = r.at(2).toString();
    a.slug = r.at(3).toString();
    a.description = optionalText(r.at(4));
    a.icon = optionalText(r.at(5));
    a.iconUrl = optionalText(r.at(6));
    a.entryFile = r.at(7).toString();
    a.hasBackend = r.at(8).toLongLong() != 0;
    a.isActive = r.at(9).toLongLong() != 0;
    a.version = r.at(10).toInt();
    a.createdAt = r.at(11).toLongLong();
    a.updatedAt = r.at(12).toLongLong();
    return a;
}

QJsonValue orNull(const std::optional<QString> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

} // namespace

QJsonObject MiniApp::toJson(const QString &kinName, const QString &kinAvatarUrl) const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("kinName"), kinName},
            {QStringLiteral("kinAvatarUrl"), kinAvatarUrl.isEmpty() ? QJsonValue() : QJsonValue(kinAvatarUrl)},
            {QStringLiteral("name"), name},
            {QStringLiteral("slug"), slug},
            {QStringLiteral("description"), orNull(description)},
            {QStringLiteral("icon"), orNull(icon)},
            {QStringLiteral("iconUrl"), orNull(iconUrl)},
            {QStringLiteral("entryFile"), entryFile},
            {QStringLiteral("hasBackend"), hasBackend},
            {QStringLiteral("isActive"), isActive},
            {QStringLiteral("version"), version},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("updatedAt"), updatedAt}};
}

Result<std::optional<MiniApp>> MiniAppStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(kSelect + QStringLiteral("WHERE id = ?"), {id}), fromRow);
}

Result<std::optional<MiniApp>> MiniAppStore::findBySlug(const QString &kinId, const QString &slug) const
{
    return mapRow(m_db.selectOne(kSelect + QStringLiteral("WHERE kin_id = ? AND slug = ?"), {kinId, slug}), fromRow);
}

Result<QList<MiniApp>> MiniAppStore::byKin(const QString &kinId) const
{
    return mapRows(m_db.selectAll(kSelect + QStringLiteral("WHERE kin_id = ? ORDER BY created_at DESC, rowid DESC"), {kinId}), fromRow);
}

Result<QList<MiniApp>> MiniAppStore::active() const
{
    return mapRows(m_db.selectAll(kSelect + QStringLiteral("WHERE is_active = 1 ORDER BY created_at DESC, rowid DESC")), fromRow);
}

Result<int> MiniAppStore::countForKin(const QString &kinId) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT COUNT(*) FROM mini_apps WHERE kin_id = ?"), {kinId});
    if (!row)
        return row.error();
    return row.value() ? row.value()->at(0).toInt() : 0;
}

Status MiniAppStore::insert(const MiniApp &a)
{
    auto r = m_db.run(QStringLiteral("INSERT INTO mini_apps(id, kin_id, name, slug, description, icon, icon_url, entry_file, has_backend, "
                                     "is_active, version, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                      {a.id, a.kinId, a.name, a.slug, nullable(a.description), nullable(a.icon), nullable(a.iconUrl), a.entryFile,
                       a.hasBackend ? 1 : 0, a.isActive ? 1 : 0, a.version, a.createdAt, a.updatedAt});
    return r ? Status() : Status(r.error());
}

Status MiniAppStore::update(const QString &id, const MiniAppChange &c, qint64 nowMs)
{
    QStringList sets{QStringLiteral("updated_at = ?")};
    QVariantList values{nowMs};
    const auto set = [&](const char *column, const QVariant &value) {
        sets.append(QStringLiteral("%1 = ?").arg(QLatin1String(column)));
        values.append(value);
    };
    if (c.name)
        set("name", *c.name);
    if (c.description)
        set("description", nullable(*c.description));
    if (c.icon)
        set("icon", nullable(*c.icon));
    if (c.iconUrl)
        set("icon_url", nullable(*c.iconUrl));
    if (c.entryFile)
        set("entry_file", *c.entryFile);
    if (c.isActive)
        set("is_active", *c.isActive ? 1 : 0);
    values.append(id);
    auto r = m_db.run(QStringLiteral("UPDATE mini_apps SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", "))), values);
    return r ? Status() : Status(r.error());
}

Result<int> MiniAppStore::bumpVersion(const QString &id, std::optional<bool> hasBackend, qint64 nowMs)
{
    auto r = hasBackend ? m_db.run(QStringLiteral("UPDATE mini_apps SET version = version + 1, updated_at = ?, has_backend = ? WHERE id = ?"),
                                   {nowMs, *hasBackend ? 1 : 0, id})
                        : m_db.run(QStringLiteral("UPDATE mini_apps SET version = version + 1, updated_at = ? WHERE id = ?"), {nowMs, id});
    if (!r)
        return r.error();
    auto row = m_db.selectOne(QStringLiteral("SELECT version FROM mini_apps WHERE id = ?"), {id});
    if (!row)
        return row.error();
    if (!row.value())
        return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("App not found"));
    return row.value()->at(0).toInt();
}

Status MiniAppStore::remove(const QString &id)
{
    auto r = m_db.run(QStringLiteral("DELETE FROM mini_apps WHERE id = ?"), {id});
    return r ? Status() : Status(r.error());
}

} // namespace kinbot
