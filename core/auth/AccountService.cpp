#include "auth/AccountService.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QRegularExpression>

namespace kinbot {

QJsonObject UserRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("email"), email},
            {QStringLiteral("emailVerified"), emailVerified},
            {QStringLiteral("image"), image.isEmpty() ? QJsonValue() : QJsonValue(image)},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(updatedAt)}};
}

AccountService::AccountService(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

Status AccountService::validateEmail(const QString &email)
{
    static const QRegularExpression re(QStringLiteral("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$"));
    if (email.size() > 254 || !re.match(email).hasMatch())
        return ApiError::badRequest(QStringLiteral("INVALID_EMAIL"), QStringLiteral("Invalid email"));
    return {};
}

Status AccountService::validateNewPassword(const QString &password)
{
    if (password.size() < kMinPassword)
        return ApiError::badRequest(QStringLiteral("PASSWORD_TOO_SHORT"), QStringLiteral("Password too short"));
    if (password.size() > kMaxPassword)
        return ApiError::badRequest(QStringLiteral("PASSWORD_TOO_LONG"), QStringLiteral("Password too long"));
    return {};
}

static UserRecord readUser(const QSqlQuery &r)
{
    UserRecord u;
    u.id = r.value(0).toString();
    u.name = r.value(1).toString();
    u.email = r.value(2).toString();
    u.emailVerified = r.value(3).toBool();
    u.image = r.value(4).toString();
    u.createdAt = r.value(5).toLongLong();
    u.updatedAt = r.value(6).toLongLong();
    return u;
}

static const char *kUserColumns = "id, name, email, email_verified, image, created_at, updated_at";

Result<UserRecord> AccountService::find(const QString &userId) const
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM user WHERE id = ?").arg(QLatin1String(kUserColumns)), {userId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return ApiError::notFound(QStringLiteral("USER_NOT_FOUND"), QStringLiteral("User not found"));
    return readUser(q.value());
}

Result<UserRecord> AccountService::findByEmail(const QString &email) const
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM user WHERE email = ?").arg(QLatin1String(kUserColumns)), {email.trimmed().toLower()});
    if (!q)
        return q.error();
    if (!q.value().next())
        return ApiError::notFound(QStringLiteral("USER_NOT_FOUND"), QStringLiteral("User not found"));
    return readUser(q.value());
}

std::optional<QString> AccountService::passwordHash(const QString &userId) const
{
    auto q = m_db.exec(QStringLiteral("SELECT password FROM account WHERE user_id = ? AND provider_id = 'credential'"), {userId});
    if (!q || !q.value().next())
        return std::nullopt;
    return q.value().value(0).toString();
}

Result<UserRecord> AccountService::create(const QString &name, const QString &email, const QString &hash)
{
    UserRecord u;
    u.id = ids::alphanumeric(32);
    u.name = name;
    u.email = email.trimmed().toLower();
    u.createdAt = u.updatedAt = m_clock.nowMs();
    Status st = m_db.transaction([&]() -> Status {
        auto ins = m_db.exec(QStringLiteral("INSERT INTO user(id, name, email, email_verified, image, created_at, updated_at) VALUES(?,?,?,0,NULL,?,?)"),
                             {u.id, u.name, u.email, u.createdAt, u.updatedAt});
        if (!ins) {
            if (ins.error().kind == ErrorKind::Conflict)
                return ApiError::unprocessable(QStringLiteral("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"),
                                               QStringLiteral("User already exists. Use another email."));
            return ins.error();
        }
        auto acc = m_db.exec(QStringLiteral("INSERT INTO account(id, user_id, account_id, provider_id, password, created_at, updated_at) "
                                            "VALUES(?,?,?,'credential',?,?,?)"),
                             {ids::alphanumeric(32), u.id, u.id, hash, u.createdAt, u.updatedAt});
        return acc ? Status() : Status(acc.error());
    });
    if (!st)
        return st.error();
    return u;
}

Status AccountService::setPasswordHash(const QString &userId, const QString &hash)
{
    auto q = m_db.exec(QStringLiteral("UPDATE account SET password = ?, updated_at = ? WHERE user_id = ? AND provider_id = 'credential'"),
                       {hash, m_clock.nowMs(), userId});
    return q ? Status() : Status(q.error());
}

Status AccountService::setName(const QString &userId, const QString &name)
{
    auto q = m_db.exec(QStringLiteral("UPDATE user SET name = ?, updated_at = ? WHERE id = ?"), {name, m_clock.nowMs(), userId});
    return q ? Status() : Status(q.error());
}

Status AccountService::setImage(const QString &userId, const QString &image)
{
    auto q = m_db.exec(QStringLiteral("UPDATE user SET image = ?, updated_at = ? WHERE id = ?"),
                       {image.isEmpty() ? QVariant() : QVariant(image), m_clock.nowMs(), userId});
    return q ? Status() : Status(q.error());
}

Status AccountService::remove(const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM user WHERE id = ?"), {userId});
    return q ? Status() : Status(q.error());
}

} // namespace kinbot
