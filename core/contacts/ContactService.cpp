#include "contacts/ContactService.h"

#include "events/EventBus.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"

namespace kinbot {

namespace {

ApiError invalid(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), message);
}

ApiError contactNotFound()
{
    return ApiError::notFound(QStringLiteral("CONTACT_NOT_FOUND"), QStringLiteral("Contact not found"));
}

// A trimmed, non-empty text of at most max characters.
Result<QString> text(const QString &field, const QString &raw, int max)
{
    const QString t = raw.trimmed();
    if (t.isEmpty())
        return invalid(QStringLiteral("%1 is required").arg(field));
    if (t.size() > max)
        return invalid(QStringLiteral("%1 must be at most %2 characters").arg(field).arg(max));
    return t;
}

Result<QPair<QString, QString>> identifierPair(const QString &label, const QString &value)
{
    auto l = text(QStringLiteral("label"), label, ContactService::kMaxLabel);
    if (!l)
        return l.error();
    auto v = text(QStringLiteral("value"), value, ContactService::kMaxValue);
    if (!v)
        return v.error();
    return qMakePair(l.value(), v.value());
}

Result<QList<QPair<QString, QString>>> identifierPairs(const QList<QPair<QString, QString>> &raw)
{
    QList<QPair<QString, QString>> out;
    for (const auto &[label, value] : raw) {
        auto p = identifierPair(label, value);
        if (!p)
            return p.error();
        out << p.value();
    }
    return out;
}

} // namespace

ContactService::ContactService(const Database &db, EventBus &bus, const Clock &clock) : m_db(db), m_bus(bus), m_clock(clock), m_store(db) {}

void ContactService::publish(const QString &type, const Contact &c)
{
    m_bus.broadcast(type, {{QStringLiteral("contactId"), c.id}, {QStringLiteral("name"), c.name}, {QStringLiteral("contactType"), c.type}});
}

Result<Contact> ContactService::existing(const QString &id) const
{
    auto row = m_store.find(id);
    if (!row)
        return row.error();
    if (!row.value())
        return contactNotFound();
    return *row.value();
}

Result<Contact> ContactService::get(const QString &id) const
{
    auto c = existing(id);
    if (!c)
        return c;
    Contact out = c.value();
    if (Status st = m_store.fill(out); !st)
        return st.error();
    return out;
}

Result<QList<Contact>> ContactService::list() const
{
    auto rows = m_store.list();
    if (!rows)
        return rows.error();
    QList<Contact> out = rows.value();
    for (Contact &c : out)
        if (Status st = m_store.fill(c); !st)
            return st.error();
    return out;
}

Status ContactService::checkLinks(const QString &contactId, const QString &linkedUserId, const QString &linkedKinId) const
{
    if (!linkedUserId.isEmpty()) {
        auto known = m_store.userExists(linkedUserId);
        if (!known)
            return known.error();
        if (!known.value())
            return invalid(QStringLiteral("linkedUserId: no such user"));
        auto holder = m_store.linkedToUser(linkedUserId);
        if (!holder)
            return holder.error();
        if (!holder->isEmpty() && holder.value() != contactId)
            return ApiError::conflict(QStringLiteral("USER_ALREADY_LINKED"), QStringLiteral("This user is already linked to another contact"));
    }
    if (!linkedKinId.isEmpty()) {
        auto known = m_store.kinExists(linkedKinId);
        if (!known)
            return known.error();
        if (!known.value())
            return invalid(QStringLiteral("linkedKinId: no such Kin"));
    }
    return {};
}

Result<Contact> ContactService::create(const ContactDraft &draft)
{
    auto name = text(QStringLiteral("name"), draft.name, kMaxName);
    if (!name)
        return name.error();
    if (!Contact::isType(draft.type))
        return invalid(QStringLiteral("type must be human or kin"));
    auto pairs = identifierPairs(draft.identifiers);
    if (!pairs)
        return pairs.error();
    if (Status st = checkLinks({}, draft.linkedUserId, draft.linkedKinId); !st)
        return st.error();

    const qint64 now = m_clock.nowMs();
    Contact c;
    c.id = ids::uuid();
    c.name = name.value();
    c.type = draft.type;
    c.linkedUserId = draft.linkedUserId;
    c.linkedKinId = draft.linkedKinId;
    c.createdAt = c.updatedAt = now;
    Status st = m_db.transaction([&]() -> Status {
        if (Status ins = m_store.insert(c); !ins)
            return ins.error().kind == ErrorKind::Conflict // a concurrent link of the same user
                       ? ApiError::conflict(QStringLiteral("USER_ALREADY_LINKED"), QStringLiteral("This user is already linked to another contact"))
                       : Status(ins);
        for (const auto &[label, value] : pairs.value())
            if (Status i = m_store.insertIdentifier({ids::uuid(), c.id, label, value, now, now}); !i)
                return i;
        return {};
    });
    if (!st)
        return st.error();
    auto out = get(c.id);
    if (out)
        publish(QStringLiteral("contact:created"), out.value());
    return out;
}

Result<Contact> ContactService::update(const QString &id, const ContactPatch &patch)
{
    auto found = existing(id);
    if (!found)
        return found;
    Contact c = found.value();
    if (patch.name) {
        auto name = text(QStringLiteral("name"), *patch.name, kMaxName);
        if (!name)
            return name.error();
        c.name = name.value();
    }
    if (patch.type) {
        if (!Contact::isType(*patch.type))
            return invalid(QStringLiteral("type must be human or kin"));
        c.type = *patch.type;
    }
    if (patch.linkedUserId)
        c.linkedUserId = *patch.linkedUserId;
    if (patch.linkedKinId)
        c.linkedKinId = *patch.linkedKinId;
    if (Status st = checkLinks(c.id, patch.linkedUserId.value_or(QString()), patch.linkedKinId.value_or(QString())); !st)
        return st.error();
    c.updatedAt = m_clock.nowMs();
    if (Status st = m_store.updateRow(c); !st)
        return st.error().kind == ErrorKind::Conflict
                   ? ApiError::conflict(QStringLiteral("USER_ALREADY_LINKED"), QStringLiteral("This user is already linked to another contact"))
                   : st.error();
    auto out = get(c.id);
    if (out)
        publish(QStringLiteral("contact:updated"), out.value());
    return out;
}

Status ContactService::remove(const QString &id)
{
    auto r = m_store.remove(id);
    if (!r)
        return r.error();
    if (!r.value())
        return contactNotFound();
    m_bus.broadcast(QStringLiteral("contact:deleted"), {{QStringLiteral("contactId"), id}});
    return {};
}

Status ContactService::changed(const QString &contactId)
{
    if (Status st = m_store.touch(contactId, m_clock.nowMs()); !st)
        return st;
    auto c = existing(contactId);
    if (c)
        publish(QStringLiteral("contact:updated"), c.value());
    return {};
}

Result<QList<ContactIdentifier>> ContactService::replaceIdentifiers(const QString &contactId, const QList<QPair<QString, QString>> &identifiers)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto pairs = identifierPairs(identifiers);
    if (!pairs)
        return pairs.error();
    const qint64 now = m_clock.nowMs();
    Status st = m_db.transaction([&]() -> Status {
        if (Status d = m_store.removeIdentifiers(contactId); !d)
            return d;
        for (const auto &[label, value] : pairs.value())
            if (Status i = m_store.insertIdentifier({ids::uuid(), contactId, label, value, now, now}); !i)
                return i;
        return {};
    });
    if (!st)
        return st.error();
    if (Status ch = changed(contactId); !ch)
        return ch.error();
    return m_store.identifiers(contactId);
}

Result<ContactIdentifier> ContactService::addIdentifier(const QString &contactId, const QString &label, const QString &value)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto p = identifierPair(label, value);
    if (!p)
        return p.error();
    const qint64 now = m_clock.nowMs();
    ContactIdentifier i{ids::uuid(), contactId, p->first, p->second, now, now};
    if (Status st = m_store.insertIdentifier(i); !st)
        return st.error();
    if (Status ch = changed(contactId); !ch)
        return ch.error();
    return i;
}

Result<ContactIdentifier> ContactService::updateIdentifier(const QString &contactId, const QString &identifierId, const std::optional<QString> &label,
                                                           const std::optional<QString> &value)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto found = m_store.findIdentifier(contactId, identifierId);
    if (!found)
        return found.error();
    if (!found.value())
        return ApiError::notFound(QStringLiteral("IDENTIFIER_NOT_FOUND"), QStringLiteral("Identifier not found"));
    ContactIdentifier i = *found.value();
    auto p = identifierPair(label.value_or(i.label), value.value_or(i.value));
    if (!p)
        return p.error();
    i.label = p->first;
    i.value = p->second;
    i.updatedAt = m_clock.nowMs();
    if (Status st = m_store.updateIdentifier(i); !st)
        return st.error();
    if (Status ch = changed(contactId); !ch)
        return ch.error();
    return i;
}

Status ContactService::removeIdentifier(const QString &contactId, const QString &identifierId)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto r = m_store.removeIdentifier(contactId, identifierId);
    if (!r)
        return r.error();
    if (!r.value())
        return ApiError::notFound(QStringLiteral("IDENTIFIER_NOT_FOUND"), QStringLiteral("Identifier not found"));
    return changed(contactId);
}

Result<QList<ContactPlatformId>> ContactService::platformIds(const QString &contactId) const
{
    if (auto c = existing(contactId); !c)
        return c.error();
    return m_store.platformIds(contactId);
}

Result<ContactPlatformId> ContactService::addPlatformId(const QString &contactId, const QString &platform, const QString &platformId)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto pf = text(QStringLiteral("platform"), platform, kMaxLabel);
    if (!pf)
        return pf.error();
    auto pid = text(QStringLiteral("platformId"), platformId, kMaxValue);
    if (!pid)
        return pid.error();
    const ApiError duplicate = ApiError::conflict(QStringLiteral("DUPLICATE_PLATFORM_ID"),
                                                  QStringLiteral("This platform id already belongs to a contact"));
    auto taken = m_store.findPlatformId(pf.value(), pid.value());
    if (!taken)
        return taken.error();
    if (taken.value())
        return duplicate;
    const qint64 now = m_clock.nowMs();
    ContactPlatformId p{ids::uuid(), contactId, pf.value(), pid.value(), now, now};
    if (Status st = m_store.insertPlatformId(p); !st)
        return st.error().kind == ErrorKind::Conflict ? duplicate : st.error();
    if (Status ch = changed(contactId); !ch)
        return ch.error();
    return p;
}

Status ContactService::removePlatformId(const QString &contactId, const QString &id)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto r = m_store.removePlatformId(contactId, id);
    if (!r)
        return r.error();
    if (!r.value())
        return ApiError::notFound(QStringLiteral("PLATFORM_ID_NOT_FOUND"), QStringLiteral("Platform id not found"));
    return changed(contactId);
}

Result<std::optional<Contact>> ContactService::byLinkedUser(const QString &userId) const
{
    if (userId.isEmpty())
        return std::optional<Contact>();
    auto holder = m_store.linkedToUser(userId);
    if (!holder)
        return holder.error();
    if (holder->isEmpty())
        return std::optional<Contact>();
    auto c = get(holder.value());
    if (!c)
        return c.error();
    return std::optional<Contact>(c.value());
}

Result<std::optional<Contact>> ContactService::byPlatformId(const QString &platform, const QString &platformId) const
{
    auto p = m_store.findPlatformId(platform, platformId);
    if (!p)
        return p.error();
    if (!p.value())
        return std::optional<Contact>();
    auto c = get(p.value()->contactId);
    if (!c)
        return c.error();
    return std::optional<Contact>(c.value());
}

Result<QPair<ContactNote, bool>> ContactService::setNote(const QString &contactId, const QString &kinId, const QString &scope, const QString &content)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    if (!Contact::isNoteScope(scope))
        return invalid(QStringLiteral("scope must be private or global"));
    auto body = text(QStringLiteral("content"), content, kMaxNote);
    if (!body)
        return body.error();
    auto kin = m_store.kinExists(kinId);
    if (!kin)
        return kin.error();
    if (!kin.value())
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
    auto found = m_store.findNote(contactId, kinId, scope);
    if (!found)
        return found.error();
    const qint64 now = m_clock.nowMs();
    ContactNote n;
    bool created = false;
    if (found.value()) {
        n = *found.value();
        n.content = body.value();
        n.updatedAt = now;
        if (Status st = m_store.updateNote(n); !st)
            return st.error();
    } else {
        n = ContactNote{ids::uuid(), contactId, kinId, scope, body.value(), now, now};
        if (Status st = m_store.insertNote(n); !st)
            return st.error();
        created = true;
    }
    if (Status ch = changed(contactId); !ch)
        return ch.error();
    return qMakePair(n, created);
}

Result<ContactNote> ContactService::updateNote(const QString &contactId, const QString &noteId, const QString &content)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto found = m_store.findNote(contactId, noteId);
    if (!found)
        return found.error();
    if (!found.value())
        return ApiError::notFound(QStringLiteral("NOTE_NOT_FOUND"), QStringLiteral("Note not found"));
    auto body = text(QStringLiteral("content"), content, kMaxNote);
    if (!body)
        return body.error();
    ContactNote n = *found.value();
    n.content = body.value();
    n.updatedAt = m_clock.nowMs();
    if (Status st = m_store.updateNote(n); !st)
        return st.error();
    if (Status ch = changed(contactId); !ch)
        return ch.error();
    return n;
}

Status ContactService::removeNote(const QString &contactId, const QString &noteId)
{
    if (auto c = existing(contactId); !c)
        return c.error();
    auto r = m_store.removeNote(contactId, noteId);
    if (!r)
        return r.error();
    if (!r.value())
        return ApiError::notFound(QStringLiteral("NOTE_NOT_FOUND"), QStringLiteral("Note not found"));
    return changed(contactId);
}

Result<QList<Contact>> ContactService::loadAll(const Result<QStringList> &ids) const
{
    if (!ids)
        return ids.error();
    QList<Contact> out;
    for (const QString &id : ids.value()) {
        auto c = get(id);
        if (c)
            out << c.value();
        else if (c.error().kind != ErrorKind::NotFound)
            return c.error();
    }
    return out;
}

Result<QList<Contact>> ContactService::search(const QString &text) const
{
    return loadAll(m_store.search(text.trimmed()));
}

Result<QList<Contact>> ContactService::findByIdentifier(const QString &label, const QString &value) const
{
    return loadAll(m_store.byIdentifier(label.trimmed(), value.trimmed()));
}

QList<ContactNote> ContactService::notesVisibleTo(const QList<ContactNote> &notes, const QString &kinId)
{
    QList<ContactNote> out;
    for (const ContactNote &n : notes)
        if (n.scope == QLatin1String("global") || n.kinId == kinId)
            out << n;
    return out;
}

Status ContactService::ensureUserContact(const QString &userId, const QString &name, const QString &email)
{
    auto holder = m_store.linkedToUser(userId);
    if (!holder)
        return holder.error();
    if (!holder->isEmpty())
        return {};
    ContactDraft d;
    // Profile names may reach 100 + 1 + 100 characters: cut to the contact limits rather than fail the onboarding.
    d.name = (name.trimmed().isEmpty() ? email : name.trimmed()).left(kMaxName);
    d.type = QStringLiteral("human");
    d.linkedUserId = userId;
    if (!email.isEmpty())
        d.identifiers << qMakePair(QStringLiteral("email"), email.left(kMaxValue));
    auto c = create(d);
    if (!c)
        return c.error();
    return {};
}

Result<int> ContactService::backfillUserContacts()
{
    auto users = m_store.usersWithoutContact();
    if (!users)
        return users.error();
    int made = 0;
    for (const ContactStore::UserRef &u : users.value()) {
        if (Status st = ensureUserContact(u.id, u.name, u.email); !st)
            return st.error();
        ++made;
    }
    return made;
}

} // namespace kinbot
