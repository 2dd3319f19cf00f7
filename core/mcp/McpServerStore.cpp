#include "mcp/McpServerStore.h"

#include "crypto/SecretBox.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot {

namespace {

const QString kColumns = QStringLiteral(
    "id, name, transport, command, args, url, env, headers, status, created_by_kin_id, created_at, updated_at");

QByteArray contextOf(const QString &id, const char *what)
{
    return "mcp:" + id.toUtf8() + ':' + what;
}

QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QString argsText(const QStringList &args)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(args)).toJson(QJsonDocument::Compact));
}

} // namespace

QVariant McpServerStore::seal(const QString &id, const char *what, const QMap<QString, QString> &map) const
{
    if (map.isEmpty())
        return QVariant();
    QJsonObject o;
    for (auto it = map.begin(); it != map.end(); ++it)
        o.insert(it.key(), it.value());
    return m_box.seal(QJsonDocument(o).toJson(QJsonDocument::Compact), contextOf(id, what));
}

Result<McpServerRecord> McpServerStore::fromRow(const QVariantList &r) const
{
    McpServerRecord s;
    s.id = r.value(0).toString();
    s.name = r.value(1).toString();
    s.transport = r.value(2).toString();
    s.command = r.value(3).toString();
    for (const QJsonValue &a : QJsonDocument::fromJson(r.value(4).toString().toUtf8()).array())
        s.args << a.toString();
    s.url = r.value(5).toString();
    for (auto [index, what, into] : {std::tuple{6, "env", &s.env}, std::tuple{7, "headers", &s.headers}}) {
        if (r.value(index).isNull())
            continue;
        auto plain = m_box.open(r.value(index).toString(), contextOf(s.id, what));
        if (!plain)
            return ApiError::internal(QStringLiteral("The %1 of MCP server %2 cannot be decrypted").arg(QLatin1String(what), s.id));
        const QJsonObject o = QJsonDocument::fromJson(plain.value()).object();
        for (auto it = o.begin(); it != o.end(); ++it)
            into->insert(it.key(), it.value().toString());
    }
    s.status = r.value(8).toString();
    s.createdByKinId = r.value(9).toString();
    s.createdAt = r.value(10).toLongLong();
    s.updatedAt = r.value(11).toLongLong();
    return s;
}

Status McpServerStore::insert(const McpServerRecord &s)
{
    auto r = m_db.run(QStringLiteral("INSERT INTO mcp_servers (%1) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)").arg(kColumns),
                      {s.id, s.name, s.transport, s.command, argsText(s.args), s.url, seal(s.id, "env", s.env),
                       seal(s.id, "headers", s.headers), s.status, orNull(s.createdByKinId), s.createdAt, s.updatedAt});
    if (!r)
        return r.error();
    return {};
}

Status McpServerStore::update(const McpServerRecord &s)
{
    auto r = m_db.run(QStringLiteral("UPDATE mcp_servers SET name = ?, transport = ?, command = ?, args = ?, url = ?, env = ?, headers = ?, "
                                     "status = ?, updated_at = ? WHERE id = ?"),
                      {s.name, s.transport, s.command, argsText(s.args), s.url, seal(s.id, "env", s.env), seal(s.id, "headers", s.headers),
                       s.status, s.updatedAt, s.id});
    if (!r)
        return r.error();
    return {};
}

Result<bool> McpServerStore::remove(const QString &id)
{
    auto r = m_db.run(QStringLiteral("DELETE FROM mcp_servers WHERE id = ?"), {id});
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<std::optional<McpServerRecord>> McpServerStore::find(const QString &id) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT %1 FROM mcp_servers WHERE id = ?").arg(kColumns), {id});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<McpServerRecord>();
    auto s = fromRow(*row.value());
    if (!s)
        return s.error();
    return std::optional<McpServerRecord>(s.value());
}

Result<QList<McpServerRecord>> McpServerStore::list() const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT %1 FROM mcp_servers ORDER BY created_at, id").arg(kColumns));
    if (!rows)
        return rows.error();
    QList<McpServerRecord> out;
    for (const QVariantList &r : rows.value()) {
        auto s = fromRow(r);
        if (!s)
            return s.error();
        out.append(s.value());
    }
    return out;
}

Result<bool> McpServerStore::kinExists(const QString &kinId) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT 1 FROM kins WHERE id = ?"), {kinId});
    if (!row)
        return row.error();
    return row.value().has_value();
}

Result<QStringList> McpServerStore::linkedTo(const QString &kinId) const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT mcp_server_id FROM kin_mcp_servers WHERE kin_id = ?"), {kinId});
    if (!rows)
        return rows.error();
    QStringList out;
    for (const QVariantList &r : rows.value())
        out << r.value(0).toString();
    return out;
}

Status McpServerStore::setLinks(const QString &kinId, const QStringList &serverIds)
{
    return m_db.transaction([&]() -> Status {
        if (auto r = m_db.run(QStringLiteral("DELETE FROM kin_mcp_servers WHERE kin_id = ?"), {kinId}); !r)
            return r.error();
        for (const QString &id : serverIds)
            if (auto r = m_db.run(QStringLiteral("INSERT OR IGNORE INTO kin_mcp_servers (kin_id, mcp_server_id) VALUES (?, ?)"), {kinId, id}); !r)
                return r.error();
        return {};
    });
}

} // namespace kinbot
