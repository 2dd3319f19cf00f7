#include "api/VaultController.h"

#include "http/Exchange.h"
#include "http/Multipart.h"
#include "http/Reply.h"
#include "util/Async.h"
#include "util/Json.h"
#include "vault/VaultService.h"

#include <QUrl>

namespace kinbot {

namespace {

const QString kSuccess = QStringLiteral("success");

ApiError invalid(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), message);
}

QJsonValue optionalJson(const std::optional<QString> &s)
{
    return s ? QJsonValue(*s) : QJsonValue();
}

QJsonValue idOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

// Metadata of an entry; never its value.
QJsonObject entryJson(const VaultEntryRecord &e, bool withAttachmentCount)
{
    QJsonObject o{{QStringLiteral("id"), e.id},
                  {QStringLiteral("key"), e.key},
                  {QStringLiteral("description"), optionalJson(e.description)},
                  {QStringLiteral("entryType"), e.entryType},
                  {QStringLiteral("isFavorite"), e.isFavorite},
                  {QStringLiteral("createdByKinId"), idOrNull(e.createdByKinId)},
                  {QStringLiteral("createdAt"), json::isoMs(e.createdAt)},
                  {QStringLiteral("updatedAt"), json::isoMs(e.updatedAt)}};
    if (withAttachmentCount)
        o.insert(QStringLiteral("attachmentCount"), e.attachmentCount);
    return o;
}

QJsonObject typeJson(const VaultTypeRecord &t)
{
    return {{QStringLiteral("id"), t.id},
            {QStringLiteral("slug"), t.slug},
            {QStringLiteral("name"), t.name},
            {QStringLiteral("icon"), optionalJson(t.icon)},
            {QStringLiteral("fields"), t.fields},
            {QStringLiteral("isBuiltIn"), t.isBuiltIn},
            {QStringLiteral("createdByKinId"), idOrNull(t.createdByKinId)},
            {QStringLiteral("createdAt"), json::isoMs(t.createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(t.updatedAt)}};
}

QJsonObject attachmentJson(const VaultAttachmentRecord &a, bool withCreatedAt)
{
    QJsonObject o{{QStringLiteral("id"), a.id},
                  {QStringLiteral("name"), a.name},
                  {QStringLiteral("mimeType"), a.mimeType},
                  {QStringLiteral("size"), a.size}};
    if (withCreatedAt)
        o.insert(QStringLiteral("createdAt"), json::isoMs(a.createdAt));
    return o;
}

// A string member: absent → nullopt; not a string → error.
Result<std::optional<QString>> stringMember(const QJsonObject &body, const QString &name)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined())
        return std::optional<QString>();
    if (!v.isString())
        return invalid(QStringLiteral("%1 must be a string").arg(name));
    return std::optional<QString>(v.toString());
}

// A string-or-null member: absent → not set; null → set to nothing; string → set.
Result<std::optional<std::optional<QString>>> nullableMember(const QJsonObject &body, const QString &name)
{
    const QJsonValue v = body.value(name);
    using R = std::optional<std::optional<QString>>;
    if (v.isUndefined())
        return R();
    if (v.isNull())
        return R(std::optional<QString>());
    if (!v.isString())
        return invalid(QStringLiteral("%1 must be a string or null").arg(name));
    return R(std::optional<QString>(v.toString()));
}

Result<std::optional<bool>> boolMember(const QJsonObject &body, const QString &name)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined() || v.isNull())
        return std::optional<bool>();
    if (!v.isBool())
        return invalid(QStringLiteral("%1 must be a boolean").arg(name));
    return std::optional<bool>(v.toBool());
}

// Renames the entry errors of the shared table for the legacy secret routes.
ApiError asSecretError(ApiError e)
{
    if (e.code == QLatin1String("ENTRY_NOT_FOUND")) {
        e.code = QStringLiteral("SECRET_NOT_FOUND");
        e.message = QStringLiteral("Secret not found");
    } else if (e.code == QLatin1String("DUPLICATE_KEY")) {
        e.message.replace(QStringLiteral("Entry with key"), QStringLiteral("Secret with key"));
    }
    return e;
}

} // namespace

qint64 VaultController::maxUploadBody()
{
    return VaultService::kMaxAttachmentBytes + 64 * 1024;
}

VaultController::VaultController(VaultService &vault, QThreadPool &pool) : m_vault(vault), m_pool(pool) {}

VaultController::~VaultController() = default;

// --- legacy secrets: GET/POST /api/vault, PATCH/DELETE /api/vault/:id ---

void VaultController::listSecrets(const ExchangePtr &ex)
{
    ex->sendResult(m_vault.listEntries(), [](const QList<VaultEntryRecord> &list) {
        QJsonArray out;
        for (const VaultEntryRecord &e : list)
            out.append(entryJson(e, false));
        return Reply::json(QJsonObject{{QStringLiteral("secrets"), out}});
    });
}

void VaultController::createSecret(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue key = body->value(QStringLiteral("key"));
    const QJsonValue value = body->value(QStringLiteral("value"));
    if (!key.isString() || key.toString().trimmed().isEmpty() || !value.isString() || value.toString().isEmpty())
        return ex->fail(invalid(QStringLiteral("Both key and value are required (strings)")));
    auto description = stringMember(*body, QStringLiteral("description"));
    if (!description)
        return ex->fail(description.error());
    VaultNewEntry e;
    e.key = key.toString();
    e.entryType = QStringLiteral("text");
    e.value = value;
    e.description = description.value();
    auto created = m_vault.createEntry(e);
    if (!created)
        return ex->fail(asSecretError(created.error()));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("secret"), QJsonObject{{QStringLiteral("id"), created->id},
                                                                            {QStringLiteral("key"), created->key},
                                                                            {QStringLiteral("createdAt"), json::isoMs(created->createdAt)}}}},
                         201));
}

void VaultController::updateSecret(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    VaultEntryPatch patch;
    auto key = stringMember(*body, QStringLiteral("key"));
    if (!key)
        return ex->fail(key.error());
    patch.key = key.value();
    const QJsonValue value = body->value(QStringLiteral("value"));
    if (!value.isUndefined()) {
        if (!value.isString() || value.toString().isEmpty())
            return ex->fail(invalid(QStringLiteral("value must be a non-empty string")));
        patch.value = value;
        patch.checkType = false; // the legacy route stores text whatever the entry's type (reference behaviour)
    }
    auto description = nullableMember(*body, QStringLiteral("description"));
    if (!description)
        return ex->fail(description.error());
    patch.description = description.value();
    auto updated = m_vault.updateEntry(ex->param("id"), patch);
    if (!updated)
        return ex->fail(asSecretError(updated.error()));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("secret"), QJsonObject{{QStringLiteral("id"), updated->id},
                                                                            {QStringLiteral("key"), updated->key},
                                                                            {QStringLiteral("updatedAt"), json::isoMs(updated->updatedAt)}}}}));
}

void VaultController::deleteSecret(const ExchangePtr &ex)
{
    Status st = m_vault.deleteEntry(ex->param("id"));
    if (!st)
        return ex->fail(asSecretError(st.error()));
    ex->send(Reply::json(QJsonObject{{kSuccess, true}}));
}

// --- typed entries ---

void VaultController::listEntries(const ExchangePtr &ex)
{
    const QString favorite = ex->queryValue(QStringLiteral("favorite"));
    std::optional<bool> fav;
    if (favorite == QLatin1String("true"))
        fav = true;
    else if (favorite == QLatin1String("false"))
        fav = false;
    ex->sendResult(m_vault.listEntries(ex->queryValue(QStringLiteral("type")), fav), [](const QList<VaultEntryRecord> &list) {
        QJsonArray out;
        for (const VaultEntryRecord &e : list)
            out.append(entryJson(e, true));
        return Reply::json(QJsonObject{{QStringLiteral("entries"), out}});
    });
}

void VaultController::createEntry(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue key = body->value(QStringLiteral("key"));
    const QJsonValue type = body->value(QStringLiteral("entryType"));
    const QJsonValue value = body->value(QStringLiteral("value"));
    if (!key.isString() || key.toString().trimmed().isEmpty() || !type.isString() || type.toString().isEmpty()
        || (!value.isString() && !value.isObject()))
        return ex->fail(invalid(QStringLiteral("key, entryType, and value are required (value: a string or an object of fields)")));
    auto description = stringMember(*body, QStringLiteral("description"));
    if (!description)
        return ex->fail(description.error());
    auto favorite = boolMember(*body, QStringLiteral("isFavorite"));
    if (!favorite)
        return ex->fail(favorite.error());
    VaultNewEntry e;
    e.key = key.toString();
    e.entryType = type.toString();
    e.value = value;
    e.description = description.value();
    e.isFavorite = favorite.value().value_or(false);
    ex->sendResult(m_vault.createEntry(e), [](const VaultEntryRecord &r) {
        return Reply::json(QJsonObject{{QStringLiteral("entry"), QJsonObject{{QStringLiteral("id"), r.id},
                                                                             {QStringLiteral("key"), r.key},
                                                                             {QStringLiteral("entryType"), r.entryType},
                                                                             {QStringLiteral("createdAt"), json::isoMs(r.createdAt)}}}},
                           201);
    });
}

void VaultController::getEntry(const ExchangePtr &ex)
{
    ex->sendResult(m_vault.entryValue(ex->param("id")), [](const VaultEntryValue &v) {
        Reply r = Reply::json(QJsonObject{{QStringLiteral("entryType"), v.entryType}, {QStringLiteral("value"), v.value}});
        r.header("Cache-Control", "no-store");
        return r;
    });
}

void VaultController::updateEntry(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    VaultEntryPatch patch;
    auto key = stringMember(*body, QStringLiteral("key"));
    if (!key)
        return ex->fail(key.error());
    patch.key = key.value();
    auto type = stringMember(*body, QStringLiteral("entryType"));
    if (!type)
        return ex->fail(type.error());
    patch.entryType = type.value();
    const QJsonValue value = body->value(QStringLiteral("value"));
    if (!value.isUndefined()) {
        if (!value.isString() && !value.isObject())
            return ex->fail(invalid(QStringLiteral("value must be a string or an object of fields")));
        patch.value = value;
    }
    auto description = nullableMember(*body, QStringLiteral("description"));
    if (!description)
        return ex->fail(description.error());
    patch.description = description.value();
    auto favorite = boolMember(*body, QStringLiteral("isFavorite"));
    if (!favorite)
        return ex->fail(favorite.error());
    patch.isFavorite = favorite.value();
    ex->sendResult(m_vault.updateEntry(ex->param("id"), patch), [](const VaultEntryRecord &r) {
        return Reply::json(QJsonObject{{QStringLiteral("entry"), QJsonObject{{QStringLiteral("id"), r.id},
                                                                             {QStringLiteral("key"), r.key},
                                                                             {QStringLiteral("entryType"), r.entryType},
                                                                             {QStringLiteral("updatedAt"), json::isoMs(r.updatedAt)}}}});
    });
}

void VaultController::deleteEntry(const ExchangePtr &ex)
{
    Status st = m_vault.deleteEntry(ex->param("id"));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{kSuccess, true}}));
}

// --- attachments ---

void VaultController::listAttachments(const ExchangePtr &ex)
{
    // As in the reference, an unknown entry simply has no attachments.
    ex->sendResult(m_vault.listAttachments(ex->param("id")), [](const QList<VaultAttachmentRecord> &list) {
        QJsonArray out;
        for (const VaultAttachmentRecord &a : list)
            out.append(attachmentJson(a, true));
        return Reply::json(QJsonObject{{QStringLiteral("attachments"), out}});
    });
}

void VaultController::uploadAttachment(const ExchangePtr &ex)
{
    auto form = MultipartForm::parse(*ex, 20);
    if (!form)
        return ex->fail(form.error());
    const MultipartPart *file = form->part(QStringLiteral("file"));
    if (!file || !file->isFile())
        return ex->fail(invalid(QStringLiteral("File is required")));
    auto plan = m_vault.planAttachment(ex->param("id"), file->fileName, file->contentType, file->data.size());
    if (!plan)
        return ex->fail(plan.error());
    // Encrypting and writing up to 50 MB happens on a pool thread; the row is added back on the main thread.
    const QByteArray data = file->data;
    const SecretBox &box = m_vault.box();
    const VaultAttachmentPlan p = plan.value();
    runOffThread(
        m_pool, &m_context, [&box, p, data]() { return VaultService::writeSealed(box, p.filePath, data, p.context); },
        [this, ex, p](Status written) {
            if (!written)
                return ex->fail(written.error());
            ex->sendResult(m_vault.commitAttachment(p), [](const VaultAttachmentRecord &a) {
                return Reply::json(QJsonObject{{QStringLiteral("attachment"), attachmentJson(a, false)}}, 201);
            });
        });
}

void VaultController::downloadAttachment(const ExchangePtr &ex)
{
    // The file is found by its id alone: the path is derived from server-made ids, never from the request.
    auto found = m_vault.findAttachment(ex->param("id"));
    if (!found)
        return ex->fail(found.error());
    if (!found.value())
        return ex->fail(ApiError::notFound(QStringLiteral("ATTACHMENT_NOT_FOUND"), QStringLiteral("Attachment not found")));
    const VaultAttachmentRecord a = *found.value();
    const SecretBox &box = m_vault.box();
    const QString path = m_vault.attachmentPath(a.entryId, a.id);
    runOffThread(
        m_pool, &m_context, [&box, path, id = a.id]() { return VaultService::readSealed(box, path, VaultService::attachmentContext(id)); },
        [ex, a](Result<QByteArray> data) {
            if (!data)
                return ex->fail(data.error());
            Reply r = Reply::bytes(data.value(), a.mimeType.toLatin1());
            r.header("Content-Disposition", "attachment; filename=\"" + QUrl::toPercentEncoding(a.name) + "\"");
            r.header("Cache-Control", "no-store");
            // Served as a download whatever its type; even opened inline, an HTML file gets no script and no origin.
            r.header("Content-Security-Policy", "default-src 'none'; sandbox");
            ex->send(r);
        });
}

void VaultController::deleteAttachment(const ExchangePtr &ex)
{
    Status st = m_vault.deleteAttachment(ex->param("id"));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{kSuccess, true}}));
}

// --- types ---

void VaultController::listTypes(const ExchangePtr &ex)
{
    ex->sendResult(m_vault.listTypes(), [](const QList<VaultTypeRecord> &list) {
        QJsonArray out;
        for (const VaultTypeRecord &t : list)
            out.append(typeJson(t));
        return Reply::json(QJsonObject{{QStringLiteral("types"), out}});
    });
}

void VaultController::createType(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue name = body->value(QStringLiteral("name"));
    const QJsonValue slug = body->value(QStringLiteral("slug"));
    const QJsonValue fields = body->value(QStringLiteral("fields"));
    if (!name.isString() || name.toString().trimmed().isEmpty() || !slug.isString() || slug.toString().isEmpty() || !fields.isArray()
        || fields.toArray().isEmpty())
        return ex->fail(invalid(QStringLiteral("name, slug, and fields are required")));
    auto icon = stringMember(*body, QStringLiteral("icon"));
    if (!icon)
        return ex->fail(icon.error());
    ex->sendResult(m_vault.createType(name.toString(), slug.toString(), icon.value(), fields.toArray()), [](const VaultTypeRecord &t) {
        return Reply::json(QJsonObject{{QStringLiteral("type"), QJsonObject{{QStringLiteral("id"), t.id},
                                                                            {QStringLiteral("slug"), t.slug},
                                                                            {QStringLiteral("name"), t.name},
                                                                            {QStringLiteral("fields"), t.fields},
                                                                            {QStringLiteral("createdAt"), json::isoMs(t.createdAt)}}}},
                           201);
    });
}

void VaultController::updateType(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    VaultTypePatch patch;
    auto name = stringMember(*body, QStringLiteral("name"));
    if (!name)
        return ex->fail(name.error());
    patch.name = name.value();
    auto icon = nullableMember(*body, QStringLiteral("icon"));
    if (!icon)
        return ex->fail(icon.error());
    patch.icon = icon.value();
    const QJsonValue fields = body->value(QStringLiteral("fields"));
    if (!fields.isUndefined()) {
        if (!fields.isArray())
            return ex->fail(invalid(QStringLiteral("fields must be an array")));
        patch.fields = fields.toArray();
    }
    ex->sendResult(m_vault.updateType(ex->param("id"), patch),
                   [](const VaultTypeRecord &t) { return Reply::json(QJsonObject{{QStringLiteral("type"), typeJson(t)}}); });
}

void VaultController::deleteType(const ExchangePtr &ex)
{
    Status st = m_vault.deleteType(ex->param("id"));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{kSuccess, true}}));
}

} // namespace kinbot
