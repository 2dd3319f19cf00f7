#include "channels/ChannelStore.h"

#include "storage/Database.h"
#include "util/Ids.h"

#include <QJsonDocument>

namespace kinbot {

static const QString kColumns = QStringLiteral(
    "id, kin_id, name, platform, platform_config, status, status_message, auto_create_contacts, messages_received, messages_sent, "
    "last_activity_at, created_by, created_at, updated_at");

static const QString kMappingColumns = QStringLiteral(
    "id, channel_id, platform_user_id, platform_username, platform_display_name, contact_id, status, created_at");

static ChannelRecord fromRow(const Database::Row &r)
{
    ChannelRecord c;
    c.id = r.value(0).toString();
    c.kinId = r.value(1).toString();
    c.name = r.value(2).toString();
    c.platform = r.value(3).toString();
    c.platformConfig = QJsonDocument::fromJson(r.value(4).toString().toUtf8()).object();
    c.status = r.value(5).toString();
    c.statusMessage = r.value(6).toString();
    c.autoCreateContacts = r.value(7).toLongLong() != 0;
    c.messagesReceived = r.value(8).toInt();
    c.messagesSent = r.value(9).toInt();
    c.lastActivityAt = r.value(10).toLongLong();
    c.createdBy = r.value(11).toString();
    c.createdAt = r.value(12).toLongLong();
    c.updatedAt = r.value(13).toLongLong();
    return c;
}

static ChannelUserMapping mappingFromRow(const Database::Row &r)
{
    ChannelUserMapping m;
    m.id = r.value(0).toString();
    m.channelId = r.value(1).toString();
    m.platformUserId = r.value(2).toString();
    m.platformUsername = r.value(3).toString();
    m.platformDisplayName = r.value(4).toString();
    m.contactId = r.value(5).toString();
    m.status = r.value(6).toString();
    m.createdAt = r.value(7).toLongLong();
    return m;
}

static QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

static QString jsonText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

static Status ok(const Result<int> &r)
{
    if (!r)
        return r.error();
    return {};
}

Status ChannelStore::insert(const ChannelRecord &c)
{
    return ok(m_db.run(QStringLiteral("INSERT INTO channels (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(kColumns),
                       {c.id, c.kinId, c.name, c.platform, jsonText(c.platformConfig), c.status, orNull(c.statusMessage),
                        int(c.autoCreateContacts), c.messagesReceived, c.messagesSent,
                        c.lastActivityAt ? QVariant(c.lastActivityAt) : QVariant(), c.createdBy, c.createdAt, c.updatedAt}));
}

Status ChannelStore::update(const ChannelRecord &c)
{
    return ok(m_db.run(QStringLiteral("UPDATE channels SET kin_id = ?, name = ?, platform_config = ?, auto_create_contacts = ?, "
                                      "updated_at = ? WHERE id = ?"),
                       {c.kinId, c.name, jsonText(c.platformConfig), int(c.autoCreateContacts), c.updatedAt, c.id}));
}

Status ChannelStore::setStatus(const QString &id, const QString &status, const QString &message, qint64 at)
{
    return ok(m_db.run(QStringLiteral("UPDATE channels SET status = ?, status_message = ?, updated_at = ? WHERE id = ?"),
                       {status, orNull(message), at, id}));
}

Status ChannelStore::countReceived(const QString &id, qint64 at)
{
    return ok(m_db.run(QStringLiteral("UPDATE channels SET messages_received = messages_received + 1, last_activity_at = ? WHERE id = ?"),
                       {at, id}));
}

Status ChannelStore::countSent(const QString &id, qint64 at)
{
    return ok(m_db.run(QStringLiteral("UPDATE channels SET messages_sent = messages_sent + 1, last_activity_at = ? WHERE id = ?"), {at, id}));
}

Result<bool> ChannelStore::remove(const QString &id)
{
    auto r = m_db.run(QStringLiteral("DELETE FROM channels WHERE id = ?"), {id});
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<std::optional<ChannelRecord>> ChannelStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM channels WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<QList<ChannelRecord>> ChannelStore::list(const QString &kinId) const
{
    if (kinId.isEmpty())
        return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM channels ORDER BY created_at, id").arg(kColumns)), fromRow);
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM channels WHERE kin_id = ? ORDER BY created_at, id").arg(kColumns), {kinId}),
                   fromRow);
}

Result<QList<ChannelRecord>> ChannelStore::listActive() const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM channels WHERE status = 'active' ORDER BY created_at, id").arg(kColumns)),
                   fromRow);
}

Result<int> ChannelStore::countForKin(const QString &kinId) const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT count(*) FROM channels WHERE kin_id = ?"), {kinId});
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toInt() : 0;
}

Status ChannelStore::insertMapping(const ChannelUserMapping &m)
{
    return ok(m_db.run(QStringLiteral("INSERT INTO channel_user_mappings (%1, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(kMappingColumns),
                       {m.id, m.channelId, m.platformUserId, orNull(m.platformUsername), orNull(m.platformDisplayName), orNull(m.contactId),
                        m.status, m.createdAt, m.createdAt}));
}

Result<std::optional<ChannelUserMapping>> ChannelStore::findMapping(const QString &channelId, const QString &platformUserId) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM channel_user_mappings WHERE channel_id = ? AND platform_user_id = ?")
                                     .arg(kMappingColumns),
                                 {channelId, platformUserId}),
                  mappingFromRow);
}

Result<std::optional<ChannelUserMapping>> ChannelStore::mappingById(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM channel_user_mappings WHERE id = ?").arg(kMappingColumns), {id}),
                  mappingFromRow);
}

Result<QList<ChannelUserMapping>> ChannelStore::pendingMappings(const QString &channelId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM channel_user_mappings WHERE channel_id = ? AND status = 'pending' "
                                                 "ORDER BY created_at, id")
                                      .arg(kMappingColumns),
                                  {channelId}),
                   mappingFromRow);
}

Result<int> ChannelStore::pendingCount() const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT count(*) FROM channel_user_mappings WHERE status = 'pending'"));
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toInt() : 0;
}

Result<QHash<QString, int>> ChannelStore::pendingCounts() const
{
    auto rows = m_db.selectAll(
        QStringLiteral("SELECT channel_id, count(*) FROM channel_user_mappings WHERE status = 'pending' GROUP BY channel_id"));
    if (!rows)
        return rows.error();
    QHash<QString, int> out;
    for (const Database::Row &r : rows.value())
        out.insert(r.value(0).toString(), r.value(1).toInt());
    return out;
}

Result<QStringList> ChannelStore::removePendingOf(const QString &platform, const QString &platformUserId)
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT m.id FROM channel_user_mappings m JOIN channels c ON c.id = m.channel_id "
                                              "WHERE c.platform = ? AND m.platform_user_id = ? AND m.status = 'pending'"),
                               {platform, platformUserId});
    if (!rows)
        return rows.error();
    QStringList ids;
    for (const Database::Row &r : rows.value()) {
        ids.append(r.value(0).toString());
        if (Status st = ok(m_db.run(QStringLiteral("DELETE FROM channel_user_mappings WHERE id = ?"), {ids.last()})); !st)
            return st.error();
    }
    return ids;
}

Status ChannelStore::addLink(const ChannelMessageLink &l, qint64 at)
{
    return ok(m_db.run(QStringLiteral("INSERT INTO channel_message_links (id, channel_id, message_id, platform_message_id, platform_chat_id, "
                                      "direction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                       {ids::uuid(), l.channelId, l.messageId, orNull(l.platformMessageId), l.platformChatId, l.direction, at}));
}

Result<QList<ChannelMessageLink>> ChannelStore::links(const QString &channelId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT channel_id, message_id, platform_message_id, platform_chat_id, direction FROM "
                                                 "channel_message_links WHERE channel_id = ? ORDER BY created_at, rowid"),
                                  {channelId}),
                   [](const Database::Row &r) {
                       return ChannelMessageLink{r.value(0).toString(), r.value(1).toString(), r.value(2).toString(),
                                                 r.value(3).toString(), r.value(4).toString()};
                   });
}

Result<QList<ChannelConversation>> ChannelStore::conversations(const QString &channelId, int limit) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT platform_chat_id, SUM(direction = 'inbound'), SUM(direction = 'outbound'), MAX(created_at), "
                                                 "(SELECT l2.message_id FROM channel_message_links l2 WHERE l2.channel_id = l.channel_id "
                                                 " AND l2.platform_chat_id = l.platform_chat_id AND l2.direction = 'inbound' "
                                                 " ORDER BY l2.created_at DESC, l2.rowid DESC LIMIT 1) "
                                                 "FROM channel_message_links l WHERE channel_id = ? GROUP BY platform_chat_id "
                                                 "ORDER BY MAX(created_at) DESC, platform_chat_id LIMIT ?"),
                                  {channelId, limit}),
                   [](const Database::Row &r) {
                       return ChannelConversation{r.value(0).toString(), r.value(1).toInt(), r.value(2).toInt(), r.value(3).toLongLong(),
                                                  r.value(4).toString()};
                   });
}

} // namespace kinbot
