#include "api/ContactsController.h"

#include "contacts/ContactService.h"
#include "http/Exchange.h"
#include "kins/KinService.h"

#include <QJsonArray>

namespace kinbot {

namespace {

ApiError invalid(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), message);
}

// An optional string field: absent → nullopt; null → "" when nullable (clears a link); anything else but a string → 400.
Result<std::optional<QString>> optionalString(const QJsonObject &body, const QString &key, bool nullable = false)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined())
        return std::optional<QString>();
    if (v.isNull() && nullable)
        return std::optional<QString>(QString());
    if (!v.isString())
        return invalid(QStringLiteral("%1 must be a string").arg(key));
    return std::optional<QString>(v.toString());
}

Result<QString> requiredString(const QJsonObject &body, const QString &key)
{
    const QJsonValue v = body.value(key);
    if (!v.isString())
        return invalid(QStringLiteral("%1 is required").arg(key));
    return v.toString();
}

// [{label, value}, …] → pairs (values checked by the service).
Result<QList<QPair<QString, QString>>> identifierList(const QJsonValue &v)
{
    if (!v.isArray())
        return invalid(QStringLiteral("identifiers must be an array of {label, value}"));
    QList<QPair<QString, QString>> out;
    for (const QJsonValue &item : v.toArray()) {
        const QJsonObject o = item.toObject();
        if (!item.isObject() || !o.value(QStringLiteral("label")).isString() || !o.value(QStringLiteral("value")).isString())
            return invalid(QStringLiteral("each identifier needs a label and a value (strings)"));
        out << qMakePair(o.value(QStringLiteral("label")).toString(), o.value(QStringLiteral("value")).toString());
    }
    return out;
}

Reply success()
{
    return Reply::json(QJsonObject{{QStringLiteral("success"), true}});
}

Reply contactReply(const Contact &c, int status = 200)
{
    return Reply::json(QJsonObject{{QStringLiteral("contact"), c.toJson()}}, status);
}

} // namespace

ContactsController::ContactsController(ContactService &contacts, KinService &kins, QObject *parent)
    : QObject(parent), m_contacts(contacts), m_kins(kins)
{
}

void ContactsController::list(const ExchangePtr &ex)
{
    ex->sendResult(m_contacts.list(), [](const QList<Contact> &all) {
        QJsonArray out;
        for (const Contact &c : all)
            out.append(c.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("contacts"), out}});
    });
}

void ContactsController::get(const ExchangePtr &ex)
{
    ex->sendResult(m_contacts.get(ex->param(QStringLiteral("id"))), [](const Contact &c) { return contactReply(c); });
}

void ContactsController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    ContactDraft d;
    auto name = requiredString(*body, QStringLiteral("name"));
    if (!name)
        return ex->fail(name.error());
    auto type = requiredString(*body, QStringLiteral("type"));
    if (!type)
        return ex->fail(invalid(QStringLiteral("type must be human or kin")));
    d.name = name.value();
    d.type = type.value();
    for (auto [key, into] : {std::pair{QStringLiteral("linkedUserId"), &d.linkedUserId}, std::pair{QStringLiteral("linkedKinId"), &d.linkedKinId}}) {
        auto v = optionalString(*body, key, true);
        if (!v)
            return ex->fail(v.error());
        *into = v->value_or(QString());
    }
    if (body->contains(QStringLiteral("identifiers")) && !body->value(QStringLiteral("identifiers")).isNull()) {
        auto ids = identifierList(body->value(QStringLiteral("identifiers")));
        if (!ids)
            return ex->fail(ids.error());
        d.identifiers = ids.value();
    }
    ex->sendResult(m_contacts.create(d), [](const Contact &c) { return contactReply(c, 201); });
}

void ContactsController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    ContactPatch p;
    for (auto [key, into, nullable] : {std::tuple{QStringLiteral("name"), &p.name, false}, std::tuple{QStringLiteral("type"), &p.type, false},
                                       std::tuple{QStringLiteral("linkedUserId"), &p.linkedUserId, true},
                                       std::tuple{QStringLiteral("linkedKinId"), &p.linkedKinId, true}}) {
        auto v = optionalString(*body, key, nullable);
        if (!v)
            return ex->fail(v.error());
        *into = v.value();
    }
    ex->sendResult(m_contacts.update(ex->param(QStringLiteral("id")), p), [](const Contact &c) { return contactReply(c); });
}

void ContactsController::remove(const ExchangePtr &ex)
{
    Status st = m_contacts.remove(ex->param(QStringLiteral("id")));
    if (!st)
        return ex->fail(st.error());
    ex->send(success());
}

void ContactsController::replaceIdentifiers(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto ids = identifierList(body->value(QStringLiteral("identifiers")));
    if (!ids)
        return ex->fail(ids.error());
    ex->sendResult(m_contacts.replaceIdentifiers(ex->param(QStringLiteral("id")), ids.value()), [](const QList<ContactIdentifier> &all) {
        QJsonArray out;
        for (const ContactIdentifier &i : all)
            out.append(i.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("identifiers"), out}});
    });
}

void ContactsController::addIdentifier(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto label = requiredString(*body, QStringLiteral("label"));
    if (!label)
        return ex->fail(label.error());
    auto value = requiredString(*body, QStringLiteral("value"));
    if (!value)
        return ex->fail(value.error());
    ex->sendResult(m_contacts.addIdentifier(ex->param(QStringLiteral("id")), label.value(), value.value()), [](const ContactIdentifier &i) {
        return Reply::json(QJsonObject{{QStringLiteral("identifier"), i.toJson()}}, 201);
    });
}

void ContactsController::updateIdentifier(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto label = optionalString(*body, QStringLiteral("label"));
    if (!label)
        return ex->fail(label.error());
    auto value = optionalString(*body, QStringLiteral("value"));
    if (!value)
        return ex->fail(value.error());
    ex->sendResult(m_contacts.updateIdentifier(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("identifierId")), label.value(), value.value()),
                   [](const ContactIdentifier &i) { return Reply::json(QJsonObject{{QStringLiteral("identifier"), i.toJson()}}); });
}

void ContactsController::removeIdentifier(const ExchangePtr &ex)
{
    Status st = m_contacts.removeIdentifier(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("identifierId")));
    if (!st)
        return ex->fail(st.error());
    ex->send(success());
}

void ContactsController::listPlatformIds(const ExchangePtr &ex)
{
    ex->sendResult(m_contacts.platformIds(ex->param(QStringLiteral("id"))), [](const QList<ContactPlatformId> &all) {
        QJsonArray out;
        for (const ContactPlatformId &p : all)
            out.append(p.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("platformIds"), out}});
    });
}

void ContactsController::addPlatformId(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto platform = requiredString(*body, QStringLiteral("platform"));
    if (!platform)
        return ex->fail(platform.error());
    auto platformId = requiredString(*body, QStringLiteral("platformId"));
    if (!platformId)
        return ex->fail(platformId.error());
    ex->sendResult(m_contacts.addPlatformId(ex->param(QStringLiteral("id")), platform.value(), platformId.value()), [](const ContactPlatformId &p) {
        return Reply::json(QJsonObject{{QStringLiteral("platformId"), p.toJson()}}, 201);
    });
}

void ContactsController::removePlatformId(const ExchangePtr &ex)
{
    Status st = m_contacts.removePlatformId(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("pidId")));
    if (!st)
        return ex->fail(st.error());
    ex->send(success());
}

void ContactsController::setNote(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto kinRef = requiredString(*body, QStringLiteral("kinId"));
    if (!kinRef)
        return ex->fail(kinRef.error());
    auto scope = requiredString(*body, QStringLiteral("scope"));
    if (!scope)
        return ex->fail(invalid(QStringLiteral("scope must be private or global")));
    auto content = requiredString(*body, QStringLiteral("content"));
    if (!content)
        return ex->fail(content.error());
    auto kin = m_kins.resolve(kinRef.value());
    if (!kin)
        return ex->fail(kin.error());
    ex->sendResult(m_contacts.setNote(ex->param(QStringLiteral("id")), kin->id, scope.value(), content.value()),
                   [](const QPair<ContactNote, bool> &n) { return Reply::json(QJsonObject{{QStringLiteral("note"), n.first.toJson()}}, 201); });
}

void ContactsController::updateNote(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto content = requiredString(*body, QStringLiteral("content"));
    if (!content)
        return ex->fail(content.error());
    ex->sendResult(m_contacts.updateNote(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("noteId")), content.value()),
                   [](const ContactNote &n) { return Reply::json(QJsonObject{{QStringLiteral("note"), n.toJson()}}); });
}

void ContactsController::removeNote(const ExchangePtr &ex)
{
    Status st = m_contacts.removeNote(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("noteId")));
    if (!st)
        return ex->fail(st.error());
    ex->send(success());
}

} // namespace kinbot
