#include "auth/InvitationService.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

namespace kinbot {

InvitationService::InvitationService(const Database &db, const Clock &clock, QString publicUrl)
    : m_db(db), m_clock(clock), m_publicUrl(std::move(publicUrl))
{
}

Result<QJsonObject> InvitationService::create(const QString &createdBy, const QString &label, int expiresInDays, const QString &role)
{
    if (label.size() > 200)
        return ApiError::validation(QStringLiteral("label must be at most 200 characters"));
    if (expiresInDays < 1 || expiresInDays > 365)
        return ApiError::validation(QStringLiteral("expiresInDays must be between 1 and 365"));
    if (role != QLatin1String("member") && role != QLatin1String("admin"))
        return ApiError::validation(QStringLiteral("role must be 'member' or 'admin'"));
    const qint64 now = m_clock.nowMs();
    auto active = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM invitations WHERE used_at IS NULL AND expires_at > ?"), {now});
    if (!active)
        return active.error();
    active.value().next();
    if (active.value().value(0).toInt() >= kMaxActive)
        return ApiError::badRequest(QStringLiteral("INVITATION_LIMIT"), QStringLiteral("Too many active invitations (max %1)").arg(kMaxActive));

    const QString id = ids::uuid();
    const QString token = ids::hexToken(32);
    const qint64 expiresAt = now + qint64(expiresInDays) * 24 * 3600 * 1000;
    auto q = m_db.exec(QStringLiteral("INSERT INTO invitations(id, token, label, role, created_by, expires_at, created_at) VALUES(?,?,?,?,?,?,?)"),
                       {id, token, label.isEmpty() ? QVariant() : QVariant(label), role, createdBy, expiresAt, now});
    if (!q)
        return q.error();
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("token"), token},
                       {QStringLiteral("label"), label.isEmpty() ? QJsonValue() : QJsonValue(label)},
                       {QStringLiteral("role"), role},
                       {QStringLiteral("url"), m_publicUrl + QStringLiteral("/invite/") + token},
                       {QStringLiteral("expiresAt"), expiresAt},
                       {QStringLiteral("createdAt"), now}};
}

Result<QJsonArray> InvitationService::list() const
{
    auto q = m_db.exec(QStringLiteral(
        "SELECT i.id, i.token, i.label, i.role, i.created_by, i.kin_id, i.expires_at, i.used_at, i.used_by, i.created_at, "
        "c.name, u.name FROM invitations i LEFT JOIN user c ON c.id = i.created_by LEFT JOIN user u ON u.id = i.used_by "
        "ORDER BY i.created_at DESC"));
    if (!q)
        return q.error();
    const qint64 now = m_clock.nowMs();
    QJsonArray out;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        const QString token = r.value(1).toString();
        const bool active = r.value(7).isNull() && r.value(6).toLongLong() > now;
        out.append(QJsonObject{{QStringLiteral("id"), r.value(0).toString()},
                               {QStringLiteral("token"), token.left(8) + QStringLiteral("...")},
                               {QStringLiteral("label"), json::strOrNull(r.value(2))},
                               {QStringLiteral("role"), r.value(3).toString()},
                               {QStringLiteral("createdBy"), r.value(4).toString()},
                               {QStringLiteral("creatorName"), json::strOrNull(r.value(10))},
                               {QStringLiteral("kinId"), json::strOrNull(r.value(5))},
                               {QStringLiteral("expiresAt"), json::isoOrNull(r.value(6))},
                               {QStringLiteral("usedAt"), json::isoOrNull(r.value(7))},
                               {QStringLiteral("usedBy"), json::strOrNull(r.value(8))},
                               {QStringLiteral("usedByName"), json::strOrNull(r.value(11))},
                               {QStringLiteral("createdAt"), json::isoOrNull(r.value(9))},
                               {QStringLiteral("url"), active ? QJsonValue(m_publicUrl + QStringLiteral("/invite/") + token) : QJsonValue()}});
    }
    return out;
}

Status InvitationService::remove(const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT used_at FROM invitations WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (!q.value().next())
        return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("Invitation not found"));
    if (!q.value().value(0).isNull())
        return ApiError::conflict(QStringLiteral("ALREADY_USED"), QStringLiteral("Invitation has already been used"));
    auto del = m_db.exec(QStringLiteral("DELETE FROM invitations WHERE id = ?"), {id});
    return del ? Status() : Status(del.error());
}

InvitationCheck InvitationService::check(const QString &token) const
{
    InvitationCheck c;
    c.reason = QStringLiteral("NOT_FOUND");
    if (token.isEmpty() || token.size() > 128)
        return c;
    auto q = m_db.exec(QStringLiteral("SELECT id, label, role, expires_at, used_at FROM invitations WHERE token = ?"), {token});
    if (!q || !q.value().next())
        return c;
    const QSqlQuery &r = q.value();
    c.id = r.value(0).toString();
    c.label = r.value(1).toString();
    c.role = r.value(2).toString();
    if (!r.value(4).isNull())
        c.reason = QStringLiteral("ALREADY_USED");
    else if (r.value(3).toLongLong() <= m_clock.nowMs())
        c.reason = QStringLiteral("EXPIRED");
    else {
        c.valid = true;
        c.reason.clear();
    }
    return c;
}

Status InvitationService::consume(const QString &invitationId, const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?"),
                       {m_clock.nowMs(), userId, invitationId, m_clock.nowMs()});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() != 1)
        return ApiError::badRequest(QStringLiteral("INVALID_INVITATION"), QStringLiteral("Invalid invitation: ALREADY_USED"));
    return {};
}

} // namespace kinbot
