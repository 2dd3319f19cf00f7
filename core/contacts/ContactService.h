#pragma once

#include "contacts/Contact.h"
#include "contacts/ContactStore.h"
#include "util/Result.h"

namespace kinbot {

class Clock;
class Database;
class EventBus;

// Contacts (rest.md §3.11): validation, transactions and the contact:* events. Errors: 400 INVALID_INPUT,
// 404 CONTACT_NOT_FOUND / IDENTIFIER_NOT_FOUND / PLATFORM_ID_NOT_FOUND / NOTE_NOT_FOUND, 409 USER_ALREADY_LINKED /
// DUPLICATE_PLATFORM_ID.
// Events (broadcast): contact:created {contactId, name, contactType}, contact:updated {contactId, name, contactType},
// contact:deleted {contactId}. The reference puts the contact's type in a field named `type`, which its flat SSE
// frames let overwrite the event name; here it is `contactType` so the event keeps its name.
class ContactService final
{
public:
    ContactService(const Database &db, EventBus &bus, const Clock &clock);

    static constexpr int kMaxName = 200;
    static constexpr int kMaxLabel = 100;
    static constexpr int kMaxValue = 500;
    static constexpr int kMaxNote = 10000;

    Result<QList<Contact>> list() const;
    Result<Contact> get(const QString &id) const;
    Result<Contact> create(const ContactDraft &draft);
    Result<Contact> update(const QString &id, const ContactPatch &patch);
    Status remove(const QString &id);

    // Identifiers.
    Result<QList<ContactIdentifier>> replaceIdentifiers(const QString &contactId, const QList<QPair<QString, QString>> &identifiers);
    Result<ContactIdentifier> addIdentifier(const QString &contactId, const QString &label, const QString &value);
    Result<ContactIdentifier> updateIdentifier(const QString &contactId, const QString &identifierId, const std::optional<QString> &label,
                                               const std::optional<QString> &value);
    Status removeIdentifier(const QString &contactId, const QString &identifierId);

    // Platform ids (channel senders); (platform, platformId) is unique across all contacts.
    Result<QList<ContactPlatformId>> platformIds(const QString &contactId) const;
    Result<ContactPlatformId> addPlatformId(const QString &contactId, const QString &platform, const QString &platformId);
    Status removePlatformId(const QString &contactId, const QString &id);
    // The contact a channel sender is (nullopt when unknown).
    // The contact of a system user ("" id or none: nullopt).
    Result<std::optional<Contact>> byLinkedUser(const QString &userId) const;
    Result<std::optional<Contact>> byPlatformId(const QString &platform, const QString &platformId) const;

    // Notes: one per (contact, Kin, scope); setNote replaces the content of an existing one. The flag tells whether it
    // was created.
    Result<QPair<ContactNote, bool>> setNote(const QString &contactId, const QString &kinId, const QString &scope, const QString &content);
    Result<ContactNote> updateNote(const QString &contactId, const QString &noteId, const QString &content);
    Status removeNote(const QString &contactId, const QString &noteId);

    // For the Kins' tools: contacts matching a text (name or identifier value) / an identifier.
    Result<QList<Contact>> search(const QString &text) const;
    Result<QList<Contact>> findByIdentifier(const QString &label, const QString &value) const;
    // The notes a Kin may read: every global note and its own private ones.
    static QList<ContactNote> notesVisibleTo(const QList<ContactNote> &notes, const QString &kinId);

    // Onboarding: the user's own contact (type human, linked, identifier email). No-op when one is linked already.
    Status ensureUserContact(const QString &userId, const QString &name, const QString &email);
    // Startup: a contact for every profiled user that has none. Returns how many were made.
    Result<int> backfillUserContacts();

private:
    Result<Contact> existing(const QString &id) const;
    Status checkLinks(const QString &contactId, const QString &linkedUserId, const QString &linkedKinId) const;
    Status changed(const QString &contactId); // bumps updated_at and publishes contact:updated
    void publish(const QString &type, const Contact &c);
    Result<QList<Contact>> loadAll(const Result<QStringList> &ids) const;

    const Database &m_db;
    EventBus &m_bus;
    const Clock &m_clock;
    ContactStore m_store;
};

} // namespace kinbot
