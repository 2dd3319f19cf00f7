#include "kins/KinService.h"

#include "events/EventBus.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Files.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

namespace kinbot {

namespace {

const QString kColumns = QStringLiteral("id, slug, name, role, avatar_path, character, expertise, model, provider_id, workspace_path, "
                                        "tool_config, compacting_config, created_at, updated_at");

KinRecord fromRow(const Database::Row &r)
{
    KinRecord k;
    k.id = r.at(0).toString();
    k.slug = r.at(1).toString();
    k.name = r.at(2).toString();
    k.role = r.at(3).toString();
    k.avatarPath = r.at(4).toString();
    k.character = r.at(5).toString();
    k.expertise = r.at(6).toString();
    k.model = r.at(7).toString();
    k.providerId = r.at(8).toString();
    k.workspacePath = r.at(9).toString();
    k.hasToolConfig = !r.at(10).isNull();
    k.toolConfig = QJsonDocument::fromJson(r.at(10).toByteArray()).object();
    k.hasCompactingConfig = !r.at(11).isNull();
    k.compactingConfig = QJsonDocument::fromJson(r.at(11).toByteArray()).object();
    k.createdAt = r.at(12).toLongLong();
    k.updatedAt = r.at(13).toLongLong();
    return k;
}

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

// Reads an optional bounded text field; sets error (with code) when present but wrong.
bool readText(const QJsonObject &body, const QString &field, int maxLen, bool required, const QString &code, QString &out,
              std::optional<ApiError> &error)
{
    const QJsonValue v = body.value(field);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            error = ApiError::badRequest(code, QStringLiteral("%1 is required").arg(field));
        return false;
    }
    const QString s = v.toString().trimmed();
    if (!v.isString() || (required && s.isEmpty()) || s.size() > maxLen) {
        error = ApiError::badRequest(code, QStringLiteral("%1 must be a string of %2%3 characters").arg(field, required ? QStringLiteral("1-") : QStringLiteral("at most "))
                                               .arg(maxLen));
        return false;
    }
    out = s;
    return true;
}

} // namespace

KinService::KinService(const Database &db, EventBus &bus, SettingsStore &settings, const Clock &clock, QString workspacesDir,
                       QString uploadsDir, QObject *parent)
    : QObject(parent), m_db(db), m_bus(bus), m_settings(settings), m_clock(clock), m_workspacesDir(std::move(workspacesDir)),
      m_uploadsDir(std::move(uploadsDir))
{
}

QString KinService::slugify(const QString &text)
{
    // Decompose, drop the combining marks (é → e), then keep [a-z0-9] and turn every other run into one hyphen.
    const QString decomposed = text.normalized(QString::NormalizationForm_KD).toLower();
    QString out;
    bool hyphen = false;
    for (const QChar c : decomposed) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'))) {
            if (hyphen && !out.isEmpty())
                out += QLatin1Char('-');
            out += c;
            hyphen = false;
        } else {
            hyphen = true;
        }
    }
    out.truncate(50);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out.size() >= 2 ? out : QStringLiteral("kin");
}

bool KinService::isValidSlug(const QString &slug)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]+(-[a-z0-9]+)*$"));
    return slug.size() >= 2 && slug.size() <= 50 && re.match(slug).hasMatch();
}

Result<QString> KinService::uniqueSlug(const QString &base, const QString &exceptId) const
{
    for (int n = 1; n < 10000; ++n) {
        QString candidate = base;
        if (n > 1) {
            const QString suffix = QStringLiteral("-%1").arg(n);
            candidate = base.left(50 - suffix.size()) + suffix;
        }
        auto hit = m_db.selectOne(QStringLiteral("SELECT id FROM kins WHERE slug = ?"), {candidate});
        if (!hit)
            return hit.error();
        if (!hit.value() || hit.value()->at(0).toString() == exceptId)
            return candidate;
    }
    return ApiError::conflict(QStringLiteral("SLUG_TAKEN"), QStringLiteral("No free slug for %1").arg(base));
}

Result<KinRecord> KinService::resolve(const QString &idOrSlug) const
{
    const bool byId = ids::isUuid(idOrSlug);
    auto row = m_db.selectOne(QStringLiteral("SELECT ") + kColumns + (byId ? QStringLiteral(" FROM kins WHERE id = ?") : QStringLiteral(" FROM kins WHERE slug = ?")),
                              {byId ? idOrSlug.toLower() : idOrSlug});
    if (!row)
        return row.error();
    if (!row.value())
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
    return fromRow(*row.value());
}

Result<QList<KinRecord>> KinService::list() const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM kins ORDER BY created_at, id")), fromRow);
}

KinQueueState KinService::queueState(const QString &kinId) const
{
    return m_queue ? m_queue(kinId) : KinQueueState{};
}

QString KinService::avatarUrl(const KinRecord &k) const
{
    if (k.avatarPath.isEmpty())
        return {};
    return QStringLiteral("/api/uploads/%1?v=%2").arg(k.avatarPath).arg(k.updatedAt);
}

QJsonObject KinService::summaryJson(const KinRecord &k) const
{
    const KinQueueState q = queueState(k.id);
    const QString avatar = avatarUrl(k);
    QJsonObject o{{QStringLiteral("id"), k.id},
                  {QStringLiteral("slug"), k.slug},
                  {QStringLiteral("name"), k.name},
                  {QStringLiteral("role"), k.role},
                  {QStringLiteral("avatarUrl"), avatar.isEmpty() ? QJsonValue() : QJsonValue(avatar)},
                  {QStringLiteral("model"), k.model},
                  {QStringLiteral("providerId"), k.providerId.isEmpty() ? QJsonValue() : QJsonValue(k.providerId)},
                  {QStringLiteral("createdAt"), json::isoMs(k.createdAt)},
                  {QStringLiteral("isHub"), m_settings.string(Setting::HubKinId) == k.id},
                  {QStringLiteral("isProcessing"), q.isProcessing},
                  {QStringLiteral("queueSize"), q.queueSize}};
    if (q.isProcessing && q.processingStartedAt > 0)
        o.insert(QStringLiteral("processingStartedAt"), q.processingStartedAt);
    return o;
}

QJsonObject KinService::detailJson(const KinRecord &k) const
{
    QJsonObject o = summaryJson(k);
    o.remove(QStringLiteral("isHub"));
    o.insert(QStringLiteral("character"), k.character);
    o.insert(QStringLiteral("expertise"), k.expertise);
    o.insert(QStringLiteral("workspacePath"), k.workspacePath);
    o.insert(QStringLiteral("toolConfig"), k.hasToolConfig ? QJsonValue(k.toolConfig) : QJsonValue());
    o.insert(QStringLiteral("compactingConfig"), k.hasCompactingConfig ? QJsonValue(k.compactingConfig) : QJsonValue());
    o.insert(QStringLiteral("mcpServers"), QJsonArray());
    o.insert(QStringLiteral("isCompacting"), queueState(k.id).isCompacting);
    return o;
}

Result<KinRecord> KinService::create(const QJsonObject &body, const QString &userId)
{
    KinRecord k;
    std::optional<ApiError> error;
    readText(body, QStringLiteral("name"), kMaxName, true, QStringLiteral("INVALID_NAME"), k.name, error);
    if (!error)
        readText(body, QStringLiteral("role"), kMaxRole, true, QStringLiteral("INVALID_ROLE"), k.role, error);
    if (!error)
        readText(body, QStringLiteral("character"), kMaxLongText, false, QStringLiteral("INVALID_CHARACTER"), k.character, error);
    if (!error)
        readText(body, QStringLiteral("expertise"), kMaxLongText, false, QStringLiteral("INVALID_EXPERTISE"), k.expertise, error);
    if (!error)
        readText(body, QStringLiteral("model"), 200, false, QStringLiteral("INVALID_MODEL"), k.model, error);
    if (!error)
        readText(body, QStringLiteral("providerId"), 64, false, QStringLiteral("INVALID_PROVIDER"), k.providerId, error);
    if (error)
        return *error;
    if (k.model.isEmpty()) {
        k.model = m_settings.string(Setting::DefaultLlmModel);
        if (k.providerId.isEmpty())
            k.providerId = m_settings.string(Setting::DefaultLlmProviderId);
    }
    if (k.model.isEmpty())
        return ApiError::badRequest(QStringLiteral("INVALID_MODEL"), QStringLiteral("model is required (no default LLM model is set)"));
    if (!k.providerId.isEmpty() && m_providerExists && !m_providerExists(k.providerId))
        return ApiError::badRequest(QStringLiteral("INVALID_PROVIDER"), QStringLiteral("providerId does not name a provider that can chat"));

    QString requestedSlug;
    readText(body, QStringLiteral("slug"), 200, false, QStringLiteral("INVALID_SLUG"), requestedSlug, error);
    if (error)
        return *error;
    auto slug = uniqueSlug(slugify(requestedSlug.isEmpty() ? k.name : requestedSlug), {});
    if (!slug)
        return slug.error();
    k.slug = slug.value();
    k.id = ids::uuid();
    k.createdAt = k.updatedAt = m_clock.nowMs();
    k.workspacePath = QDir(m_workspacesDir).filePath(k.id);
    if (!QDir().mkpath(k.workspacePath + QStringLiteral("/tools")))
        return ApiError::internal(QStringLiteral("Cannot create the Kin's workspace"));
    auto ins = m_db.run(QStringLiteral("INSERT INTO kins(id, slug, name, role, character, expertise, model, provider_id, workspace_path, "
                                       "created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"),
                        {k.id, k.slug, k.name, k.role, k.character, k.expertise, k.model, nullIfEmpty(k.providerId), k.workspacePath,
                         nullIfEmpty(userId), k.createdAt, k.updatedAt});
    if (!ins) {
        QDir(k.workspacePath).removeRecursively();
        return ins.error();
    }
    m_bus.broadcast(QStringLiteral("kin:created"),
                    {{QStringLiteral("kinId"), k.id}, {QStringLiteral("slug"), k.slug}, {QStringLiteral("name"), k.name},
                     {QStringLiteral("role"), k.role}, {QStringLiteral("model"), k.model},
                     {QStringLiteral("providerId"), k.providerId.isEmpty() ? QJsonValue() : QJsonValue(k.providerId)},
                     {QStringLiteral("avatarUrl"), QJsonValue()}, {QStringLiteral("createdAt"), json::isoMs(k.createdAt)}});
    return k;
}

Result<KinRecord> KinService::update(const QString &id, const QJsonObject &body)
{
    auto existing = resolve(id);
    if (!existing)
        return existing.error();
    KinRecord k = existing.value();
    QJsonObject changed{{QStringLiteral("kinId"), k.id}};
    std::optional<ApiError> error;
    QString v;
    if (readText(body, QStringLiteral("name"), kMaxName, body.contains(QStringLiteral("name")), QStringLiteral("INVALID_NAME"), v, error))
        changed.insert(QStringLiteral("name"), k.name = v);
    if (!error && readText(body, QStringLiteral("role"), kMaxRole, body.contains(QStringLiteral("role")), QStringLiteral("INVALID_ROLE"), v, error))
        changed.insert(QStringLiteral("role"), k.role = v);
    if (!error && readText(body, QStringLiteral("character"), kMaxLongText, false, QStringLiteral("INVALID_CHARACTER"), v, error))
        k.character = v;
    if (!error && readText(body, QStringLiteral("expertise"), kMaxLongText, false, QStringLiteral("INVALID_EXPERTISE"), v, error))
        k.expertise = v;
    if (!error && readText(body, QStringLiteral("model"), 200, body.contains(QStringLiteral("model")), QStringLiteral("INVALID_MODEL"), v, error))
        k.model = v;
    if (error)
        return *error;
    if (body.contains(QStringLiteral("providerId"))) {
        const QJsonValue p = body.value(QStringLiteral("providerId"));
        if (p.isNull() || (p.isString() && p.toString().isEmpty())) {
            k.providerId.clear();
        } else if (!p.isString() || (m_providerExists && !m_providerExists(p.toString()))) {
            return ApiError::badRequest(QStringLiteral("INVALID_PROVIDER"), QStringLiteral("providerId does not name a provider that can chat"));
        } else {
            k.providerId = p.toString();
        }
        changed.insert(QStringLiteral("providerId"), k.providerId.isEmpty() ? QJsonValue() : QJsonValue(k.providerId));
    }
    if (body.contains(QStringLiteral("slug"))) {
        const QString slug = body.value(QStringLiteral("slug")).toString();
        if (!isValidSlug(slug))
            return ApiError::badRequest(QStringLiteral("INVALID_SLUG"),
                                        QStringLiteral("slug must be 2-50 characters of a-z, 0-9 and single hyphens"));
        if (slug != k.slug) {
            auto taken = m_db.selectOne(QStringLiteral("SELECT id FROM kins WHERE slug = ?"), {slug});
            if (!taken)
                return taken.error();
            if (taken.value())
                return ApiError::conflict(QStringLiteral("SLUG_TAKEN"), QStringLiteral("Another Kin already uses this slug"));
            changed.insert(QStringLiteral("slug"), k.slug = slug);
        }
    }
    for (const auto &[field, code, target, has] :
         {std::tuple{QStringLiteral("toolConfig"), QStringLiteral("INVALID_TOOL_CONFIG"), &k.toolConfig, &k.hasToolConfig},
          std::tuple{QStringLiteral("compactingConfig"), QStringLiteral("INVALID_COMPACTING_CONFIG"), &k.compactingConfig, &k.hasCompactingConfig}}) {
        if (!body.contains(field))
            continue;
        const QJsonValue c = body.value(field);
        if (!c.isNull() && !c.isObject())
            return ApiError::badRequest(code, QStringLiteral("%1 must be an object or null").arg(field));
        *target = c.toObject();
        *has = c.isObject();
    }
    k.updatedAt = m_clock.nowMs();
    auto up = m_db.run(QStringLiteral("UPDATE kins SET slug = ?, name = ?, role = ?, character = ?, expertise = ?, model = ?, provider_id = ?, "
                                      "tool_config = ?, compacting_config = ?, updated_at = ? WHERE id = ?"),
                       {k.slug, k.name, k.role, k.character, k.expertise, k.model, nullIfEmpty(k.providerId),
                        k.hasToolConfig ? QVariant(QString::fromUtf8(json::compact(k.toolConfig))) : QVariant(),
                        k.hasCompactingConfig ? QVariant(QString::fromUtf8(json::compact(k.compactingConfig))) : QVariant(), k.updatedAt, k.id});
    if (!up)
        return up.error();
    m_bus.broadcast(QStringLiteral("kin:updated"), changed);
    return k;
}

Status KinService::remove(const QString &id)
{
    auto existing = resolve(id);
    if (!existing)
        return existing.error();
    const KinRecord k = existing.value();
    // The engine stops first so no step writes rows for a Kin that is going away.
    Q_EMIT kinRemoved(k.id);
    auto del = m_db.run(QStringLiteral("DELETE FROM kins WHERE id = ?"), {k.id});
    if (!del)
        return del.error();
    if (m_settings.string(Setting::HubKinId) == k.id) {
        if (m_settings.set(Setting::HubKinId, QString()))
            m_bus.broadcast(QStringLiteral("settings:hub-changed"), {{QStringLiteral("hubKinId"), QJsonValue()}});
    }
    QDir(k.workspacePath).removeRecursively();
    QDir(m_uploadsDir + QStringLiteral("/kins/") + k.id).removeRecursively();
    QDir(m_uploadsDir + QStringLiteral("/messages/") + k.id).removeRecursively(); // chat attachments
    m_bus.broadcast(QStringLiteral("kin:deleted"), {{QStringLiteral("kinId"), k.id}});
    return {};
}

Result<QString> KinService::setAvatar(const QString &id, const QByteArray &data, const QString &ext)
{
    auto existing = resolve(id);
    if (!existing)
        return existing.error();
    KinRecord k = existing.value();
    if (Status st = files::replaceImage(m_uploadsDir + QStringLiteral("/kins/") + k.id, QStringLiteral("avatar"), ext, data); !st)
        return st.error();
    k.avatarPath = QStringLiteral("kins/%1/avatar.%2").arg(k.id, ext);
    k.updatedAt = m_clock.nowMs();
    auto up = m_db.run(QStringLiteral("UPDATE kins SET avatar_path = ?, updated_at = ? WHERE id = ?"), {k.avatarPath, k.updatedAt, k.id});
    if (!up)
        return up.error();
    const QString url = avatarUrl(k);
    m_bus.broadcast(QStringLiteral("kin:updated"), {{QStringLiteral("kinId"), k.id}, {QStringLiteral("avatarUrl"), url}});
    return url;
}

} // namespace kinbot
