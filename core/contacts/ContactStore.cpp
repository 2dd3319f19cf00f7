#include "contacts/ContactStore.h"

#include "storage/Database.h"

namespace kinbot {

namespace {

const QString kContactColumns = QStringLiteral("c.id, c.name, c.type, c.linked_user_id, c.linked_kin_id, c.created_at, c.updated_at, u.name");
const QString kContactFrom = QStringLiteral("FROM contacts c LEFT JOIN user u ON u.id = c.linked_user_id");

Contact contactOf(const Database::Row &r)
{
    Contact c;
    c.id = r.value(0).toString();
    c.name = r.value(1).toString();
    c.type = r.value(2).toString();
    c.linkedUserId = r.value(3).toString();
    c.linkedKinId = r.value(4).toString();
    c.createdAt = r.value(5).toLongLong();
    c.updatedAt = r.value(6).toLongLong();
    c.linkedUserName = r.value(7).toString();
    return c;
}

ContactIdentifier identifierOf(const Database::Row &r)
{
    return {r.value(0).toString(), r.value(1).toString(), r.value(2).toString(), r.value(3).toString(), r.value(4).toLongLong(),
            r.value(5).toLongLong()};
}

ContactPlatformId platformIdOf(const Database::Row &r)
{
    return {r.value(0).toString(), r.value(1).toString(), r.value(2).toString(), r.value(3).toString(), r.value(4).toLongLong(),
            r.value(5).toLongLong()};
}

ContactNote noteOf(const Database::Row &r)
{
    return {r.value(0).toString(), r.value(1).toString(), r.value(2).toString(), r.value(3).toString(), r.value(4).toString(),
            r.value(5).toLongLong(), r.value(6).toLongLong()};
}

QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

Status done(const Result<int> &r)
{
    if (!r)
        return r.error();
    return {};
}

Result<bool> removed(const Result<int> &r)
{
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<bool> exists(const Result<std::optional<Database::Row>> &r)
{
    if (!r)
        return r.error();
    return r.value().has_value();
}

Result<QStringList> idsOf(const Result<QList<Database::Row>> &rows)
{
    if (!rows)
        return rows.error();
    QStringList out;
    for (const Database::Row &r : rows.value())
        out << r.value(0).toString();
    return out;
}

const QString kIdentifierColumns = QStringLiteral("id, contact_id, label, value, created_at, updated_at");
const QString kPlatformColumns = QStringLiteral("id, contact_id, platform, platform_id, created_at, updated_at");
const QString kNoteColumns = QStringLiteral("id, contact_id, kin_id, scope, content, created_at, updated_at");

} // namespace

Status ContactStore::insert(const Contact &c)
{
    return done(m_db.run(QStringLiteral("INSERT INTO contacts (id, name, type, linked_user_id, linked_kin_id, created_at, updated_at) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                         {c.id, c.name, c.type, orNull(c.linkedUserId), orNull(c.linkedKinId), c.createdAt, c.updatedAt}));
}

Status ContactStore::updateRow(const Contact &c)
{
    return done(m_db.run(QStringLiteral("UPDATE contacts SET name = ?, type = ?, linked_user_id = ?, linked_kin_id = ?, updated_at = ? WHERE id = ?"),
                         {c.name, c.type, orNull(c.linkedUserId), orNull(c.linkedKinId), c.updatedAt, c.id}));
}

Result<bool> ContactStore::remove(const QString &id)
{
    return removed(m_db.run(QStringLiteral("DELETE FROM contacts WHERE id = ?"), {id}));
}

Result<std::optional<Contact>> ContactStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 %2 WHERE c.id = ?").arg(kContactColumns, kContactFrom), {id}), contactOf);
}

Result<QList<Contact>> ContactStore::list() const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 %2 ORDER BY c.name COLLATE NOCASE, c.created_at").arg(kContactColumns, kContactFrom)),
                   contactOf);
}

Status ContactStore::fill(Contact &c) const
{
    auto ids = identifiers(c.id);
    if (!ids)
        return ids.error();
    auto pids = platformIds(c.id);
    if (!pids)
        return pids.error();
    auto notes = mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM contact_notes WHERE contact_id = ? ORDER BY created_at, rowid").arg(kNoteColumns),
                                        {c.id}),
                         noteOf);
    if (!notes)
        return notes.error();
    c.identifiers = ids.value();
    c.platformIds = pids.value();
    c.notes = notes.value();
    return {};
}

Status ContactStore::touch(const QString &id, qint64 now)
{
    return done(m_db.run(QStringLiteral("UPDATE contacts SET updated_at = ? WHERE id = ?"), {now, id}));
}

Result<QString> ContactStore::linkedToUser(const QString &userId) const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT id FROM contacts WHERE linked_user_id = ?"), {userId});
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toString() : QString();
}

Result<bool> ContactStore::userExists(const QString &userId) const
{
    return exists(m_db.selectOne(QStringLiteral("SELECT 1 FROM user WHERE id = ?"), {userId}));
}

Result<bool> ContactStore::kinExists(const QString &kinId) const
{
    return exists(m_db.selectOne(QStringLiteral("SELECT 1 FROM kins WHERE id = ?"), {kinId}));
}

Result<QStringList> ContactStore::search(const QString &text) const
{
    QString pattern = text;
    pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%")).replace(QLatin1Char('_'), QStringLiteral("\\_"));
    pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
    return idsOf(m_db.selectAll(QStringLiteral("SELECT c.id FROM contacts c WHERE c.name LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM "
                                               "contact_identifiers i WHERE i.contact_id = c.id AND i.value LIKE ? ESCAPE '\\') "
                                               "ORDER BY c.name COLLATE NOCASE, c.created_at"),
                                {pattern, pattern}));
}

Result<QStringList> ContactStore::byIdentifier(const QString &label, const QString &value) const
{
    if (label.isEmpty())
        return idsOf(m_db.selectAll(QStringLiteral("SELECT DISTINCT contact_id FROM contact_identifiers WHERE lower(value) = lower(?)"), {value}));
    return idsOf(m_db.selectAll(QStringLiteral("SELECT DISTINCT contact_id FROM contact_identifiers WHERE lower(value) = lower(?) AND lower(label) = lower(?)"),
                                {value, label}));
}

Result<QList<ContactStore::UserRef>> ContactStore::usersWithoutContact() const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT u.id, p.first_name || ' ' || p.last_name, u.email FROM user u JOIN user_profiles p ON "
                                                 "p.user_id = u.id WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.linked_user_id = u.id) "
                                                 "ORDER BY u.created_at")),
                   [](const Database::Row &r) { return UserRef{r.value(0).toString(), r.value(1).toString(), r.value(2).toString()}; });
}

Status ContactStore::insertIdentifier(const ContactIdentifier &i)
{
    return done(m_db.run(QStringLiteral("INSERT INTO contact_identifiers (%1) VALUES (?, ?, ?, ?, ?, ?)").arg(kIdentifierColumns),
                         {i.id, i.contactId, i.label, i.value, i.createdAt, i.updatedAt}));
}

Status ContactStore::updateIdentifier(const ContactIdentifier &i)
{
    return done(m_db.run(QStringLiteral("UPDATE contact_identifiers SET label = ?, value = ?, updated_at = ? WHERE id = ?"),
                         {i.label, i.value, i.updatedAt, i.id}));
}

Result<std::optional<ContactIdentifier>> ContactStore::findIdentifier(const QString &contactId, const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM contact_identifiers WHERE contact_id = ? AND id = ?").arg(kIdentifierColumns),
                                 {contactId, id}),
                  identifierOf);
}

Result<bool> ContactStore::removeIdentifier(const QString &contactId, const QString &id)
{
    return removed(m_db.run(QStringLiteral("DELETE FROM contact_identifiers WHERE contact_id = ? AND id = ?"), {contactId, id}));
}

Status ContactStore::removeIdentifiers(const QString &contactId)
{
    return done(m_db.run(QStringLiteral("DELETE FROM contact_identifiers WHERE contact_id = ?"), {contactId}));
}

Result<QList<ContactIdentifier>> ContactStore::identifiers(const QString &contactId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM contact_identifiers WHERE contact_id = ? ORDER BY created_at, rowid").arg(kIdentifierColumns),
                                  {contactId}),
                   identifierOf);
}

Status ContactStore::insertPlatformId(const ContactPlatformId &p)
{
    return done(m_db.run(QStringLiteral("INSERT INTO contact_platform_ids (%1) VALUES (?, ?, ?, ?, ?, ?)").arg(kPlatformColumns),
                         {p.id, p.contactId, p.platform, p.platformId, p.createdAt, p.updatedAt}));
}

Result<std::optional<ContactPlatformId>> ContactStore::findPlatformId(const QString &platform, const QString &platformId) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM contact_platform_ids WHERE platform = ? AND platform_id = ?").arg(kPlatformColumns),
                                 {platform, platformId}),
                  platformIdOf);
}

Result<bool> ContactStore::removePlatformId(const QString &contactId, const QString &id)
{
    return removed(m_db.run(QStringLiteral("DELETE FROM contact_platform_ids WHERE contact_id = ? AND id = ?"), {contactId, id}));
}

Result<QList<ContactPlatformId>> ContactStore::platformIds(const QString &contactId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM contact_platform_ids WHERE contact_id = ? ORDER BY created_at, rowid").arg(kPlatformColumns),
                                  {contactId}),
                   platformIdOf);
}

Status ContactStore::insertNote(const ContactNote &n)
{
    return done(m_db.run(QStringLiteral("INSERT INTO contact_notes (%1) VALUES (?, ?, ?, ?, ?, ?, ?)").arg(kNoteColumns),
                         {n.id, n.contactId, n.kinId, n.scope, n.content, n.createdAt, n.updatedAt}));
}

Status ContactStore::updateNote(const ContactNote &n)
{
    return done(m_db.run(QStringLiteral("UPDATE contact_notes SET content = ?, updated_at = ? WHERE id = ?"), {n.content, n.updatedAt, n.id}));
}

Result<std::optional<ContactNote>> ContactStore::findNote(const QString &contactId, const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM contact_notes WHERE contact_id = ? AND id = ?").arg(kNoteColumns), {contactId, id}),
                  noteOf);
}

Result<std::optional<ContactNote>> ContactStore::findNote(const QString &contactId, const QString &kinId, const QString &scope) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM contact_notes WHERE contact_id = ? AND kin_id = ? AND scope = ?").arg(kNoteColumns),
                                 {contactId, kinId, scope}),
                  noteOf);
}

Result<bool> ContactStore::removeNote(const QString &contactId, const QString &id)
{
    return removed(m_db.run(QStringLiteral("DELETE FROM contact_notes WHERE contact_id = ? AND id = ?"), {contactId, id}));
}

} // namespace kinbot
