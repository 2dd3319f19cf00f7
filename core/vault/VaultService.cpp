#include "vault/VaultService.h"

#include "crypto/SecretBox.h"
#include "log/Logger.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

namespace kinbot {

namespace {

const QString kModule = QStringLiteral("vault");

const QString kEntryColumns = QStringLiteral(
    "s.id, s.key, s.description, s.entry_type, s.vault_type_id, s.is_favorite, s.created_by_kin_id, s.created_at, s.updated_at, "
    "(SELECT count(*) FROM vault_attachments a WHERE a.entry_id = s.id)");

const QString kTypeColumns = QStringLiteral("id, slug, name, icon, fields, is_built_in, created_by_kin_id, created_at, updated_at");

const QString kAttachmentColumns = QStringLiteral("id, entry_id, original_name, mime_type, size, created_at");

std::optional<QString> optString(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toString();
}

QVariant nullable(const std::optional<QString> &s)
{
    return s ? QVariant(*s) : QVariant();
}

QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

VaultEntryRecord entryFromRow(const Database::Row &r)
{
    VaultEntryRecord e;
    e.id = r.at(0).toString();
    e.key = r.at(1).toString();
    e.description = optString(r.at(2));
    e.entryType = r.at(3).toString();
    e.vaultTypeId = r.at(4).toString();
    e.isFavorite = r.at(5).toLongLong() != 0;
    e.createdByKinId = r.at(6).toString();
    e.createdAt = r.at(7).toLongLong();
    e.updatedAt = r.at(8).toLongLong();
    e.attachmentCount = int(r.at(9).toLongLong());
    return e;
}

VaultTypeRecord typeFromRow(const Database::Row &r)
{
    VaultTypeRecord t;
    t.id = r.at(0).toString();
    t.slug = r.at(1).toString();
    t.name = r.at(2).toString();
    t.icon = optString(r.at(3));
    t.fields = QJsonDocument::fromJson(r.at(4).toString().toUtf8()).array();
    t.isBuiltIn = r.at(5).toLongLong() != 0;
    t.createdByKinId = r.at(6).toString();
    t.createdAt = r.at(7).toLongLong();
    t.updatedAt = r.at(8).toLongLong();
    return t;
}

VaultAttachmentRecord attachmentFromRow(const Database::Row &r)
{
    VaultAttachmentRecord a;
    a.id = r.at(0).toString();
    a.entryId = r.at(1).toString();
    a.name = r.at(2).toString();
    a.mimeType = r.at(3).toString();
    a.size = r.at(4).toLongLong();
    a.createdAt = r.at(5).toLongLong();
    return a;
}

ApiError invalid(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), message);
}

ApiError uploadFailed(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("UPLOAD_FAILED"), message);
}

ApiError entryNotFound()
{
    return ApiError::notFound(QStringLiteral("ENTRY_NOT_FOUND"), QStringLiteral("Entry not found"));
}

QJsonObject field(const char *name, const char *label, const char *type, bool required = false)
{
    QJsonObject f{{QStringLiteral("name"), QLatin1String(name)}, {QStringLiteral("label"), QLatin1String(label)}, {QStringLiteral("type"), QLatin1String(type)}};
    if (required)
        f.insert(QStringLiteral("required"), true);
    return f;
}

bool hasControlChars(const QString &s)
{
    for (QChar c : s)
        if (c.category() == QChar::Other_Control)
            return true;
    return false;
}

// Keys name secrets inside "{{secret:KEY}}" placeholders: no braces, no control characters, trimmed, at most 200
// characters (the reference takes any non-empty string).
Status validateKey(const QString &key)
{
    if (key.isEmpty())
        return invalid(QStringLiteral("key is required"));
    if (key.size() > VaultService::kMaxKeyLength)
        return invalid(QStringLiteral("key is at most %1 characters").arg(VaultService::kMaxKeyLength));
    if (hasControlChars(key) || key.contains(QLatin1Char('{')) || key.contains(QLatin1Char('}')))
        return invalid(QStringLiteral("key may not contain braces or control characters"));
    return {};
}

const QStringList &fieldTypes()
{
    static const QStringList types{QStringLiteral("text"),  QStringLiteral("password"), QStringLiteral("textarea"), QStringLiteral("url"),
                                   QStringLiteral("email"), QStringLiteral("phone"),    QStringLiteral("date"),     QStringLiteral("number")};
    return types;
}

// Checks and normalises a custom type's field list.
Result<QJsonArray> normaliseFields(const QJsonArray &fields)
{
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z][A-Za-z0-9_]{0,63}$"));
    if (fields.isEmpty())
        return invalid(QStringLiteral("fields must be a non-empty array"));
    if (fields.size() > 50)
        return invalid(QStringLiteral("a type has at most 50 fields"));
    QJsonArray out;
    QSet<QString> names;
    for (const QJsonValue &v : fields) {
        if (!v.isObject())
            return invalid(QStringLiteral("each field must be an object {name, label, type}"));
        const QJsonObject f = v.toObject();
        const QString name = f.value(QStringLiteral("name")).toString();
        const QString label = f.value(QStringLiteral("label")).toString().trimmed();
        const QString type = f.value(QStringLiteral("type")).toString();
        if (!nameRe.match(name).hasMatch())
            return invalid(QStringLiteral("field name \"%1\" must be a letter then letters, digits or _ (at most 64)").arg(name));
        if (names.contains(name))
            return invalid(QStringLiteral("field name \"%1\" is used twice").arg(name));
        names.insert(name);
        if (label.isEmpty() || label.size() > 100)
            return invalid(QStringLiteral("field \"%1\" needs a label of 1 to 100 characters").arg(name));
        if (!fieldTypes().contains(type))
            return invalid(QStringLiteral("field \"%1\" has type \"%2\"; expected one of %3").arg(name, type, fieldTypes().join(QStringLiteral(", "))));
        QJsonObject n{{QStringLiteral("name"), name}, {QStringLiteral("label"), label}, {QStringLiteral("type"), type}};
        const QJsonValue required = f.value(QStringLiteral("required"));
        if (!required.isUndefined() && !required.isNull()) {
            if (!required.isBool())
                return invalid(QStringLiteral("field \"%1\": required must be a boolean").arg(name));
            n.insert(QStringLiteral("required"), required.toBool());
        }
        const QJsonValue placeholder = f.value(QStringLiteral("placeholder"));
        if (!placeholder.isUndefined() && !placeholder.isNull()) {
            if (!placeholder.isString() || placeholder.toString().size() > 200)
                return invalid(QStringLiteral("field \"%1\": placeholder must be a string of at most 200 characters").arg(name));
            n.insert(QStringLiteral("placeholder"), placeholder.toString());
        }
        out.append(n);
    }
    return out;
}

QString safeFileName(const QString &raw)
{
    QString name = raw;
    const qsizetype slash = std::max(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\')));
    if (slash >= 0)
        name = name.mid(slash + 1);
    QString out;
    for (QChar c : std::as_const(name))
        if (c.category() != QChar::Other_Control)
            out += c;
    out = out.trimmed().left(255);
    if (out.isEmpty() || out == QLatin1String(".") || out == QLatin1String(".."))
        out = QStringLiteral("attachment");
    return out;
}

QString safeMimeType(const QByteArray &raw)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"));
    const QString type = QString::fromLatin1(raw).section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    return re.match(type).hasMatch() ? type : QStringLiteral("application/octet-stream");
}

QString scalarText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble()) {
        const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
    }
    return {};
}

} // namespace

ApiError VaultService::decryptionFailed()
{
    return {ErrorKind::Internal, QStringLiteral("DECRYPTION_FAILED"),
            QStringLiteral("This vault value cannot be decrypted: the encryption key is not the one it was stored with "
                           "(KINBOT_ENCRYPTION_KEY or the data dir's .encryption-key changed), or the stored data was altered")};
}

VaultService::VaultService(const Database &db, const SecretBox &box, const Clock &clock, Logger &logger, QString vaultDir)
    : m_db(db), m_box(box), m_clock(clock), m_logger(logger), m_dir(std::move(vaultDir))
{
}

void VaultService::checkKey() const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT id, encrypted_value FROM vault_secrets ORDER BY created_at, rowid LIMIT 1"));
    if (!row || !row.value())
        return;
    const QString id = row.value()->at(0).toString();
    const QByteArray raw = QByteArray::fromBase64(row.value()->at(1).toString().toLatin1());
    if (!m_box.openRaw(raw, "vault:" + id.toUtf8()))
        m_logger.error(kModule,
                       QStringLiteral("The encryption key does not open the stored vault values: KINBOT_ENCRYPTION_KEY or the data dir's "
                                      ".encryption-key is not the one they were stored with. Reading them fails with DECRYPTION_FAILED "
                                      "until the original key is restored."),
                       {{QStringLiteral("entryId"), id}});
}

// --- types ---

const QJsonArray &VaultService::builtInTypes()
{
    static const QJsonArray types{
        QJsonObject{{QStringLiteral("slug"), QStringLiteral("text")}, {QStringLiteral("name"), QStringLiteral("Text")},
                    {QStringLiteral("icon"), QStringLiteral("KeyRound")},
                    {QStringLiteral("fields"), QJsonArray{field("value", "Value", "password", true)}}},
        QJsonObject{{QStringLiteral("slug"), QStringLiteral("credential")}, {QStringLiteral("name"), QStringLiteral("Credential")},
                    {QStringLiteral("icon"), QStringLiteral("Globe")},
                    {QStringLiteral("fields"), QJsonArray{field("url", "URL", "url"), field("username", "Username", "text", true),
                                                          field("password", "Password", "password", true), field("notes", "Notes", "textarea")}}},
        QJsonObject{{QStringLiteral("slug"), QStringLiteral("card")}, {QStringLiteral("name"), QStringLiteral("Card")},
                    {QStringLiteral("icon"), QStringLiteral("CreditCard")},
                    {QStringLiteral("fields"), QJsonArray{field("number", "Card Number", "password", true), field("expiry", "Expiry (MM/YY)", "text", true),
                                                          field("cvv", "CVV", "password", true), field("holderName", "Cardholder Name", "text"),
                                                          field("notes", "Notes", "textarea")}}},
        QJsonObject{{QStringLiteral("slug"), QStringLiteral("note")}, {QStringLiteral("name"), QStringLiteral("Note")},
                    {QStringLiteral("icon"), QStringLiteral("StickyNote")},
                    {QStringLiteral("fields"), QJsonArray{field("title", "Title", "text"), field("content", "Content", "textarea", true)}}},
        QJsonObject{{QStringLiteral("slug"), QStringLiteral("identity")}, {QStringLiteral("name"), QStringLiteral("Identity")},
                    {QStringLiteral("icon"), QStringLiteral("UserSquare")},
                    {QStringLiteral("fields"), QJsonArray{field("fullName", "Full Name", "text", true), field("email", "Email", "email"),
                                                          field("phone", "Phone", "phone"), field("address", "Address", "textarea"),
                                                          field("notes", "Notes", "textarea")}}},
    };
    return types;
}

bool VaultService::isBuiltInSlug(const QString &slug)
{
    for (const QJsonValue &t : builtInTypes())
        if (t.toObject().value(QStringLiteral("slug")).toString() == slug)
            return true;
    return false;
}

Result<QList<VaultTypeRecord>> VaultService::listTypes() const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kTypeColumns + QStringLiteral(" FROM vault_types ORDER BY created_at, rowid")), typeFromRow);
}

Result<VaultTypeRecord> VaultService::createType(const QString &name, const QString &slug, const std::optional<QString> &icon,
                                                 const QJsonArray &fields, const QString &createdByKinId)
{
    static const QRegularExpression slugRe(QStringLiteral("^[a-z0-9][a-z0-9_-]{0,49}$"));
    const QString n = name.trimmed();
    if (n.isEmpty() || n.size() > 100)
        return invalid(QStringLiteral("name is required (at most 100 characters)"));
    if (!slugRe.match(slug).hasMatch())
        return invalid(QStringLiteral("slug must be 1 to 50 lowercase letters, digits, - or _"));
    if (icon && icon->size() > 64)
        return invalid(QStringLiteral("icon is at most 64 characters"));
    if (isBuiltInSlug(slug))
        return ApiError::conflict(QStringLiteral("RESERVED_SLUG"), QStringLiteral("\"%1\" is a built-in type").arg(slug));
    auto normalised = normaliseFields(fields);
    if (!normalised)
        return normalised.error();
    auto taken = m_db.selectOne(QStringLiteral("SELECT 1 FROM vault_types WHERE slug = ?"), {slug});
    if (!taken)
        return taken.error();
    // The reference lets the UNIQUE constraint throw and answers 400 CREATE_FAILED with the SQLite message.
    if (taken.value())
        return ApiError::conflict(QStringLiteral("SLUG_TAKEN"), QStringLiteral("A vault type with slug \"%1\" already exists").arg(slug));
    VaultTypeRecord t;
    t.id = ids::uuid();
    t.slug = slug;
    t.name = n;
    t.icon = icon;
    t.fields = normalised.value();
    t.createdByKinId = createdByKinId;
    t.createdAt = t.updatedAt = m_clock.nowMs();
    auto ins = m_db.run(QStringLiteral("INSERT INTO vault_types(id, slug, name, icon, fields, is_built_in, created_by_kin_id, created_at, updated_at) "
                                       "VALUES(?,?,?,?,?,0,?,?,?)"),
                        {t.id, t.slug, t.name, nullable(t.icon), QString::fromUtf8(json::compact(t.fields)), nullIfEmpty(createdByKinId),
                         t.createdAt, t.updatedAt});
    if (!ins)
        return ins.error();
    m_logger.info(kModule, QStringLiteral("Custom vault type created"), {{QStringLiteral("typeId"), t.id}, {QStringLiteral("slug"), t.slug}});
    return t;
}

Result<VaultTypeRecord> VaultService::updateType(const QString &id, const VaultTypePatch &patch)
{
    auto row = m_db.selectOne(QStringLiteral("SELECT ") + kTypeColumns + QStringLiteral(" FROM vault_types WHERE id = ?"), {id});
    if (!row)
        return row.error();
    if (!row.value())
        return ApiError::notFound(QStringLiteral("TYPE_NOT_FOUND"), QStringLiteral("Type not found"));
    VaultTypeRecord t = typeFromRow(*row.value());
    if (t.isBuiltIn)
        return ApiError::badRequest(QStringLiteral("UPDATE_FAILED"), QStringLiteral("Cannot modify built-in types"));
    if (patch.name) {
        const QString n = patch.name->trimmed();
        if (n.isEmpty() || n.size() > 100)
            return invalid(QStringLiteral("name is required (at most 100 characters)"));
        t.name = n;
    }
    if (patch.icon) {
        if (*patch.icon && (*patch.icon)->size() > 64)
            return invalid(QStringLiteral("icon is at most 64 characters"));
        t.icon = *patch.icon;
    }
    if (patch.fields) {
        auto normalised = normaliseFields(*patch.fields);
        if (!normalised)
            return normalised.error();
        t.fields = normalised.value();
    }
    t.updatedAt = m_clock.nowMs();
    auto up = m_db.run(QStringLiteral("UPDATE vault_types SET name = ?, icon = ?, fields = ?, updated_at = ? WHERE id = ?"),
                       {t.name, nullable(t.icon), QString::fromUtf8(json::compact(t.fields)), t.updatedAt, t.id});
    if (!up)
        return up.error();
    return t;
}

Status VaultService::deleteType(const QString &id)
{
    auto row = m_db.selectOne(QStringLiteral("SELECT is_built_in, slug FROM vault_types WHERE id = ?"), {id});
    if (!row)
        return row.error();
    if (!row.value())
        return ApiError::notFound(QStringLiteral("TYPE_NOT_FOUND"), QStringLiteral("Type not found"));
    if (row.value()->at(0).toLongLong() != 0)
        return ApiError::badRequest(QStringLiteral("DELETE_FAILED"), QStringLiteral("Cannot delete built-in types"));
    // The reference never links entries to their type, so its check never fires; here entries of the type keep it alive.
    auto used = m_db.selectOne(QStringLiteral("SELECT 1 FROM vault_secrets WHERE vault_type_id = ? OR entry_type = ? LIMIT 1"),
                               {id, row.value()->at(1)});
    if (!used)
        return used.error();
    if (used.value())
        return ApiError::badRequest(QStringLiteral("DELETE_FAILED"), QStringLiteral("Cannot delete type: entries still use it"));
    auto del = m_db.run(QStringLiteral("DELETE FROM vault_types WHERE id = ?"), {id});
    if (!del)
        return del.error();
    m_logger.info(kModule, QStringLiteral("Custom vault type deleted"), {{QStringLiteral("typeId"), id}});
    return {};
}

Result<QJsonArray> VaultService::fieldsFor(const QString &entryType, QString *typeId) const
{
    for (const QJsonValue &t : builtInTypes())
        if (t.toObject().value(QStringLiteral("slug")).toString() == entryType)
            return t.toObject().value(QStringLiteral("fields")).toArray();
    auto row = m_db.selectOne(QStringLiteral("SELECT id, fields FROM vault_types WHERE slug = ?"), {entryType});
    if (!row)
        return row.error();
    if (!row.value())
        return invalid(QStringLiteral("Unknown entryType \"%1\": use text, credential, card, note, identity or a custom type slug").arg(entryType));
    if (typeId)
        *typeId = row.value()->at(0).toString();
    return QJsonDocument::fromJson(row.value()->at(1).toString().toUtf8()).array();
}

Status VaultService::validateValue(const QString &entryType, const QJsonValue &value) const
{
    if (entryType == QLatin1String("text")) {
        if (!value.isString() || value.toString().isEmpty())
            return invalid(QStringLiteral("value must be a non-empty string for a text entry"));
        if (value.toString().toUtf8().size() > kMaxValueBytes)
            return invalid(QStringLiteral("value is at most %1 bytes").arg(kMaxValueBytes));
        return {};
    }
    if (!value.isObject())
        return invalid(QStringLiteral("value must be an object of the \"%1\" fields").arg(entryType));
    const QJsonObject o = value.toObject();
    if (json::compact(o).size() > kMaxValueBytes)
        return invalid(QStringLiteral("value is at most %1 bytes").arg(kMaxValueBytes));
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.value().isObject() || it.value().isArray())
            return invalid(QStringLiteral("field \"%1\" must be a string, number or boolean").arg(it.key()));
    auto fields = fieldsFor(entryType, nullptr);
    if (!fields)
        return fields.error();
    for (const QJsonValue &fv : fields.value()) {
        const QJsonObject f = fv.toObject();
        if (!f.value(QStringLiteral("required")).toBool())
            continue;
        const QString name = f.value(QStringLiteral("name")).toString();
        if (scalarText(o.value(name)).trimmed().isEmpty())
            return invalid(QStringLiteral("field \"%1\" is required for a %2 entry").arg(name, entryType));
    }
    return {};
}

// --- entries ---

QString VaultService::sealValue(const QString &id, const QJsonValue &value) const
{
    const QByteArray plain = value.isString() ? value.toString().toUtf8() : json::compact(value.toObject());
    return QString::fromLatin1(m_box.sealRaw(plain, "vault:" + id.toUtf8()).toBase64());
}

Result<QList<VaultEntryRecord>> VaultService::listEntries(const QString &entryType, std::optional<bool> favorite) const
{
    QString sql = QStringLiteral("SELECT ") + kEntryColumns + QStringLiteral(" FROM vault_secrets s WHERE 1 = 1");
    QVariantList values;
    if (!entryType.isEmpty()) {
        sql += QStringLiteral(" AND s.entry_type = ?");
        values << entryType;
    }
    if (favorite) {
        sql += QStringLiteral(" AND s.is_favorite = ?");
        values << (*favorite ? 1 : 0);
    }
    sql += QStringLiteral(" ORDER BY s.created_at, s.rowid");
    return mapRows(m_db.selectAll(sql, values), entryFromRow);
}

Result<std::optional<VaultEntryRecord>> VaultService::findEntry(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT ") + kEntryColumns + QStringLiteral(" FROM vault_secrets s WHERE s.id = ?"), {id}), entryFromRow);
}

Result<std::optional<VaultEntryRecord>> VaultService::findByKey(const QString &key) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT ") + kEntryColumns + QStringLiteral(" FROM vault_secrets s WHERE s.key = ?"), {key}), entryFromRow);
}

Result<QList<VaultEntryRecord>> VaultService::search(const QString &query, int limit) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kEntryColumns
                                      + QStringLiteral(" FROM vault_secrets s WHERE instr(lower(s.key), lower(?)) > 0 "
                                                       "OR instr(lower(coalesce(s.description, '')), lower(?)) > 0 ORDER BY s.key LIMIT ?"),
                                  {query, query, qBound(1, limit, 200)}), entryFromRow);
}

Result<VaultEntryRecord> VaultService::createEntry(const VaultNewEntry &entry)
{
    VaultEntryRecord e;
    e.key = entry.key.trimmed();
    if (Status st = validateKey(e.key); !st)
        return st.error();
    e.entryType = entry.entryType.isEmpty() ? QStringLiteral("text") : entry.entryType;
    auto fields = fieldsFor(e.entryType, &e.vaultTypeId);
    if (!fields)
        return fields.error();
    if (Status st = validateValue(e.entryType, entry.value); !st)
        return st.error();
    if (entry.description && entry.description->size() > 2000)
        return invalid(QStringLiteral("description is at most 2000 characters"));
    auto existing = findByKey(e.key);
    if (!existing)
        return existing.error();
    if (existing.value())
        return ApiError::conflict(QStringLiteral("DUPLICATE_KEY"), QStringLiteral("Entry with key \"%1\" already exists").arg(e.key));
    e.id = ids::uuid();
    e.description = entry.description;
    e.isFavorite = entry.isFavorite;
    e.createdByKinId = entry.createdByKinId;
    e.createdAt = e.updatedAt = m_clock.nowMs();
    auto ins = m_db.run(QStringLiteral("INSERT INTO vault_secrets(id, key, encrypted_value, description, entry_type, vault_type_id, is_favorite, "
                                       "created_by_kin_id, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)"),
                        {e.id, e.key, sealValue(e.id, entry.value), nullable(e.description), e.entryType, nullIfEmpty(e.vaultTypeId),
                         e.isFavorite ? 1 : 0, nullIfEmpty(e.createdByKinId), e.createdAt, e.updatedAt});
    if (!ins)
        return ins.error();
    QJsonObject log{{QStringLiteral("entryId"), e.id}, {QStringLiteral("key"), e.key}, {QStringLiteral("entryType"), e.entryType}};
    if (!e.createdByKinId.isEmpty())
        log.insert(QStringLiteral("createdByKinId"), e.createdByKinId);
    m_logger.info(kModule, QStringLiteral("Vault entry created"), log);
    return e;
}

Result<VaultEntryValue> VaultService::entryValue(const QString &id) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT entry_type, encrypted_value FROM vault_secrets WHERE id = ?"), {id});
    if (!row)
        return row.error();
    if (!row.value())
        return entryNotFound();
    VaultEntryValue v;
    v.entryType = row.value()->at(0).toString();
    const QByteArray raw = QByteArray::fromBase64(row.value()->at(1).toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    auto plain = m_box.openRaw(raw, "vault:" + id.toUtf8());
    if (!plain) {
        m_logger.error(kModule, QStringLiteral("A vault value failed to decrypt"), {{QStringLiteral("entryId"), id}});
        return decryptionFailed();
    }
    if (v.entryType == QLatin1String("text")) {
        v.value = QString::fromUtf8(plain.value());
        return v;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(plain.value(), &err);
    // Typed entries hold JSON; a value set as plain text through the legacy route stays a string (as in the reference).
    v.value = err.error == QJsonParseError::NoError && doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(QString::fromUtf8(plain.value()));
    return v;
}

Result<VaultEntryRecord> VaultService::updateEntry(const QString &id, const VaultEntryPatch &patch)
{
    auto found = findEntry(id);
    if (!found)
        return found.error();
    if (!found.value())
        return entryNotFound();
    VaultEntryRecord e = *found.value();
    if (patch.key) {
        const QString key = patch.key->trimmed();
        if (Status st = validateKey(key); !st)
            return st.error();
        if (key != e.key) {
            auto other = findByKey(key);
            if (!other)
                return other.error();
            if (other.value())
                return ApiError::conflict(QStringLiteral("DUPLICATE_KEY"), QStringLiteral("Entry with key \"%1\" already exists").arg(key));
        }
        e.key = key;
    }
    if (patch.entryType && *patch.entryType != e.entryType) {
        QString typeId;
        auto fields = fieldsFor(*patch.entryType, &typeId);
        if (!fields)
            return fields.error();
        e.entryType = *patch.entryType;
        e.vaultTypeId = typeId;
    }
    if (patch.description) {
        if (*patch.description && (*patch.description)->size() > 2000)
            return invalid(QStringLiteral("description is at most 2000 characters"));
        e.description = *patch.description;
    }
    if (patch.isFavorite)
        e.isFavorite = *patch.isFavorite;
    QString sealed;
    if (patch.value) {
        if (Status st = validateValue(patch.checkType ? e.entryType : QStringLiteral("text"), *patch.value); !st)
            return st.error();
        sealed = sealValue(e.id, *patch.value);
    }
    e.updatedAt = m_clock.nowMs();
    Result<int> up = sealed.isEmpty()
        ? m_db.run(QStringLiteral("UPDATE vault_secrets SET key = ?, description = ?, entry_type = ?, vault_type_id = ?, is_favorite = ?, "
                                  "updated_at = ? WHERE id = ?"),
                   {e.key, nullable(e.description), e.entryType, nullIfEmpty(e.vaultTypeId), e.isFavorite ? 1 : 0, e.updatedAt, e.id})
        : m_db.run(QStringLiteral("UPDATE vault_secrets SET key = ?, description = ?, entry_type = ?, vault_type_id = ?, is_favorite = ?, "
                                  "updated_at = ?, encrypted_value = ? WHERE id = ?"),
                   {e.key, nullable(e.description), e.entryType, nullIfEmpty(e.vaultTypeId), e.isFavorite ? 1 : 0, e.updatedAt, sealed, e.id});
    if (!up)
        return up.error();
    m_logger.info(kModule, QStringLiteral("Vault entry updated"),
                  {{QStringLiteral("entryId"), e.id}, {QStringLiteral("key"), e.key}, {QStringLiteral("valueChanged"), !sealed.isEmpty()}});
    return e;
}

Status VaultService::removeEntryFiles(const QString &entryId) const
{
    // Paths come from ids this server generated; anything else never reaches the file system.
    if (!ids::isUuid(entryId))
        return {};
    QDir dir(m_dir + QLatin1Char('/') + entryId);
    if (dir.exists() && !dir.removeRecursively())
        return ApiError::internal(QStringLiteral("Cannot remove the attachment files of the entry"));
    return {};
}

Status VaultService::deleteEntry(const QString &id)
{
    auto found = findEntry(id);
    if (!found)
        return found.error();
    if (!found.value())
        return entryNotFound();
    auto del = m_db.run(QStringLiteral("DELETE FROM vault_secrets WHERE id = ?"), {id}); // attachments rows cascade
    if (!del)
        return del.error();
    if (Status st = removeEntryFiles(found.value()->id); !st)
        m_logger.warn(kModule, st.error().message, {{QStringLiteral("entryId"), id}});
    m_logger.info(kModule, QStringLiteral("Vault entry deleted"), {{QStringLiteral("entryId"), id}, {QStringLiteral("key"), found.value()->key}});
    return {};
}

// --- attachments ---

QString VaultService::attachmentPath(const QString &entryId, const QString &attachmentId) const
{
    return m_dir + QLatin1Char('/') + entryId + QLatin1Char('/') + attachmentId + QStringLiteral(".enc");
}

QByteArray VaultService::attachmentContext(const QString &attachmentId)
{
    return "vault-attachment:" + attachmentId.toUtf8();
}

Result<QList<VaultAttachmentRecord>> VaultService::listAttachments(const QString &entryId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kAttachmentColumns
                                      + QStringLiteral(" FROM vault_attachments WHERE entry_id = ? ORDER BY created_at, rowid"),
                                  {entryId}), attachmentFromRow);
}

Result<std::optional<VaultAttachmentRecord>> VaultService::findAttachment(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT ") + kAttachmentColumns + QStringLiteral(" FROM vault_attachments WHERE id = ?"), {id}), attachmentFromRow);
}

Result<VaultAttachmentPlan> VaultService::planAttachment(const QString &entryId, const QString &fileName, const QByteArray &mimeType,
                                                         qint64 size) const
{
    auto entry = findEntry(entryId);
    if (!entry)
        return entry.error();
    if (!entry.value() || !ids::isUuid(entry.value()->id))
        return uploadFailed(QStringLiteral("Entry not found"));
    if (size <= 0)
        return uploadFailed(QStringLiteral("File is empty"));
    if (size > kMaxAttachmentBytes)
        return uploadFailed(QStringLiteral("File too large: max %1 MB").arg(kMaxAttachmentBytes / (1024 * 1024)));
    if (entry.value()->attachmentCount >= kMaxAttachmentsPerEntry)
        return uploadFailed(QStringLiteral("Max %1 attachments per entry").arg(kMaxAttachmentsPerEntry));
    VaultAttachmentPlan plan;
    plan.record.id = ids::uuid();
    plan.record.entryId = entry.value()->id;
    plan.record.name = safeFileName(fileName);
    plan.record.mimeType = safeMimeType(mimeType);
    plan.record.size = size;
    plan.filePath = attachmentPath(plan.record.entryId, plan.record.id);
    plan.context = attachmentContext(plan.record.id);
    return plan;
}

Result<VaultAttachmentRecord> VaultService::commitAttachment(const VaultAttachmentPlan &plan)
{
    VaultAttachmentRecord a = plan.record;
    a.createdAt = m_clock.nowMs();
    // Count and existence are checked again in the insert: another upload may have landed while this file was written.
    auto ins = m_db.run(QStringLiteral("INSERT INTO vault_attachments(id, entry_id, original_name, stored_path, mime_type, size, created_at) "
                                       "SELECT ?,?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM vault_secrets WHERE id = ?) "
                                       "AND (SELECT count(*) FROM vault_attachments WHERE entry_id = ?) < ?"),
                        {a.id, a.entryId, a.name, QStringLiteral("vault/%1/%2.enc").arg(a.entryId, a.id), a.mimeType, a.size, a.createdAt,
                         a.entryId, a.entryId, kMaxAttachmentsPerEntry});
    if (!ins || ins.value() != 1) {
        QFile::remove(plan.filePath);
        if (!ins)
            return ins.error();
        auto entry = findEntry(a.entryId);
        if (entry && !entry.value())
            return uploadFailed(QStringLiteral("Entry not found"));
        return uploadFailed(QStringLiteral("Max %1 attachments per entry").arg(kMaxAttachmentsPerEntry));
    }
    m_logger.info(kModule, QStringLiteral("Vault attachment added"),
                  {{QStringLiteral("entryId"), a.entryId}, {QStringLiteral("attachmentId"), a.id}, {QStringLiteral("size"), a.size}});
    return a;
}

Status VaultService::deleteAttachment(const QString &id)
{
    auto found = findAttachment(id);
    if (!found)
        return found.error();
    if (!found.value())
        return ApiError::notFound(QStringLiteral("ATTACHMENT_NOT_FOUND"), QStringLiteral("Attachment not found"));
    const VaultAttachmentRecord &a = *found.value();
    auto del = m_db.run(QStringLiteral("DELETE FROM vault_attachments WHERE id = ?"), {a.id});
    if (!del)
        return del.error();
    if (ids::isUuid(a.entryId) && ids::isUuid(a.id))
        QFile::remove(attachmentPath(a.entryId, a.id));
    m_logger.info(kModule, QStringLiteral("Vault attachment deleted"), {{QStringLiteral("entryId"), a.entryId}, {QStringLiteral("attachmentId"), a.id}});
    return {};
}

Result<QByteArray> VaultService::readAttachment(const VaultAttachmentRecord &a) const
{
    if (!ids::isUuid(a.entryId) || !ids::isUuid(a.id))
        return ApiError::notFound(QStringLiteral("ATTACHMENT_NOT_FOUND"), QStringLiteral("Attachment not found"));
    return readSealed(m_box, attachmentPath(a.entryId, a.id), attachmentContext(a.id));
}

Status VaultService::writeSealed(const SecretBox &box, const QString &path, const QByteArray &data, const QByteArray &context)
{
    const QFileInfo info(path);
    QDir dir;
    if (!dir.mkpath(info.absolutePath()))
        return ApiError::internal(QStringLiteral("Cannot create the vault attachment directory"));
    QFile::setPermissions(info.absolutePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return ApiError::internal(QStringLiteral("Cannot write the vault attachment"));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray sealed = box.sealRaw(data, context);
    if (f.write(sealed) != sealed.size() || !f.commit())
        return ApiError::internal(QStringLiteral("Cannot write the vault attachment"));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

Result<QByteArray> VaultService::readSealed(const SecretBox &box, const QString &path, const QByteArray &context)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return ApiError{ErrorKind::Internal, QStringLiteral("ATTACHMENT_FILE_MISSING"), QStringLiteral("The attachment's file is missing")};
    auto plain = box.openRaw(f.readAll(), context);
    if (!plain)
        return decryptionFailed();
    return plain;
}

// --- references ---

Result<QString> VaultService::resolveReference(bool file, const QString &ref) const
{
    if (file) {
        auto a = findAttachment(ref.trimmed());
        if (!a)
            return a.error();
        if (!a.value())
            return ApiError::notFound(QStringLiteral("ATTACHMENT_NOT_FOUND"), QStringLiteral("No vault attachment with id \"%1\"").arg(ref));
        if (a.value()->size > kMaxExpandedFileBytes)
            return invalid(QStringLiteral("Attachment \"%1\" is larger than %2 MB and cannot be inserted into a request")
                               .arg(a.value()->name)
                               .arg(kMaxExpandedFileBytes / (1024 * 1024)));
        auto bytes = readAttachment(*a.value());
        if (!bytes)
            return bytes.error();
        return QString::fromLatin1(bytes.value().toBase64());
    }
    const QString key = ref.trimmed();
    auto whole = findByKey(key);
    if (!whole)
        return whole.error();
    if (whole.value()) {
        auto v = entryValue(whole.value()->id);
        if (!v)
            return v.error();
        if (v->value.isString())
            return v->value.toString();
        return invalid(QStringLiteral("\"%1\" is a %2 entry: name one of its fields, e.g. {{secret:%1.%3}} (fields: %4)")
                           .arg(key, v->entryType, v->value.toObject().keys().value(0), v->value.toObject().keys().join(QStringLiteral(", "))));
    }
    const qsizetype dot = key.lastIndexOf(QLatin1Char('.'));
    if (dot > 0) {
        const QString base = key.left(dot);
        const QString fieldName = key.mid(dot + 1);
        auto entry = findByKey(base);
        if (!entry)
            return entry.error();
        if (entry.value()) {
            auto v = entryValue(entry.value()->id);
            if (!v)
                return v.error();
            const QJsonValue fv = v->value.toObject().value(fieldName);
            if (v->value.isObject() && !fv.isUndefined() && !fv.isNull())
                return scalarText(fv);
            return ApiError::notFound(QStringLiteral("SECRET_NOT_FOUND"),
                                      QStringLiteral("Vault entry \"%1\" has no field \"%2\"").arg(base, fieldName));
        }
    }
    return ApiError::notFound(QStringLiteral("SECRET_NOT_FOUND"), QStringLiteral("No vault secret with key \"%1\" (use search_secrets)").arg(key));
}

} // namespace kinbot
