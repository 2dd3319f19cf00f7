#pragma once

#include "contacts/Contact.h"
#include "util/Result.h"

#include <optional>

namespace kinbot {

class Database;

// SQL over contacts, contact_identifiers, contact_platform_ids and contact_notes; no validation, no events (that is
// ContactService). Any thread with its own connection.
class ContactStore final
{
public:
    explicit ContactStore(const Database &db) : m_db(db) {}

    // Contacts (rows only; fill() adds identifiers, platform ids and notes).
    Status insert(const Contact &c);
    Status updateRow(const Contact &c);
    Result<bool> remove(const QString &id);
    Result<std::optional<Contact>> find(const QString &id) const;
    Result<QList<Contact>> list() const; // by name
    Status fill(Contact &c) const;
    Status touch(const QString &id, qint64 now);
    // The contact linked to the user ("" when none).
    Result<QString> linkedToUser(const QString &userId) const;
    Result<bool> userExists(const QString &userId) const;
    Result<bool> kinExists(const QString &kinId) const;
    // Contacts whose name or an identifier value contains the text (case-insensitive), by name.
    Result<QStringList> search(const QString &text) const;
    // Contacts with an identifier of that value (case-insensitive, exact) and, when given, that label.
    Result<QStringList> byIdentifier(const QString &label, const QString &value) const;
    // Profiled users with no linked contact: (user id, "First Last", email).
    struct UserRef
    {
        QString id;
        QString name;
        QString email;
    };
    Result<QList<UserRef>> usersWithoutContact() const;

    // Identifiers.
    Status insertIdentifier(const ContactIdentifier &i);
    Status updateIdentifier(const ContactIdentifier &i);
    Result<std::optional<ContactIdentifier>> findIdentifier(const QString &contactId, const QString &id) const;
    Result<bool> removeIdentifier(const QString &contactId, const QString &id);
    Status removeIdentifiers(const QString &contactId);
    Result<QList<ContactIdentifier>> identifiers(const QString &contactId) const;

    // Platform ids.
    Status insertPlatformId(const ContactPlatformId &p);
    Result<std::optional<ContactPlatformId>> findPlatformId(const QString &platform, const QString &platformId) const;
    Result<bool> removePlatformId(const QString &contactId, const QString &id);
    Result<QList<ContactPlatformId>> platformIds(const QString &contactId) const;

    // Notes.
    Status insertNote(const ContactNote &n);
    Status updateNote(const ContactNote &n);
    Result<std::optional<ContactNote>> findNote(const QString &contactId, const QString &id) const;
    Result<std::optional<ContactNote>> findNote(const QString &contactId, const QString &kinId, const QString &scope) const;
    Result<bool> removeNote(const QString &contactId, const QString &id);

private:
    const Database &m_db;
};

} // namespace kinbot
