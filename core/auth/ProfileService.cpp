#include "auth/ProfileService.h"

#include "auth/AccountService.h"
#include "auth/InvitationService.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <QRegularExpression>

namespace kinbot {

ProfileService::ProfileService(const Database &db, const Clock &clock, AccountService &accounts, InvitationService &invitations)
    : m_db(db), m_clock(clock), m_accounts(accounts), m_invitations(invitations)
{
}

const QStringList &ProfileService::supportedLanguages()
{
    static const QStringList langs{QStringLiteral("en"), QStringLiteral("fr")};
    return langs;
}

bool ProfileService::hasAdmin() const
{
    auto q = m_db.exec(QStringLiteral("SELECT 1 FROM user_profiles WHERE role = 'admin' LIMIT 1"));
    return q && q.value().next();
}

bool ProfileService::hasProfile(const QString &userId) const
{
    auto q = m_db.exec(QStringLiteral("SELECT 1 FROM user_profiles WHERE user_id = ?"), {userId});
    return q && q.value().next();
}

QJsonObject ProfileService::onboardingStatus() const
{
    const bool admin = hasAdmin();
    const bool llm = m_hooks.hasProviderCapability && m_hooks.hasProviderCapability(QStringLiteral("llm"));
    const bool embedding = m_hooks.hasProviderCapability && m_hooks.hasProviderCapability(QStringLiteral("embedding"));
    return {{QStringLiteral("completed"), admin && llm && embedding},
            {QStringLiteral("hasAdmin"), admin},
            {QStringLiteral("hasLlm"), llm},
            {QStringLiteral("hasEmbedding"), embedding}};
}

// Validation shared by onboarding and PATCH /me. Collects every problem; the caller joins them with "; ".
namespace {
struct ProfileFields
{
    std::optional<QString> firstName, lastName, pseudonym, language;
    std::optional<QJsonValue> kinOrder, cronOrder;
};

void readName(const QJsonObject &body, const QString &key, bool required, std::optional<QString> &out, QStringList &errors)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            errors << key + QStringLiteral(" is required");
        return;
    }
    if (!v.isString()) {
        errors << key + QStringLiteral(" must be a string");
        return;
    }
    const QString t = v.toString().trimmed();
    if (t.isEmpty() || t.size() > 100)
        errors << key + QStringLiteral(" must be 1-100 characters");
    else
        out = t;
}

void readPseudonym(const QJsonObject &body, bool required, std::optional<QString> &out, QStringList &errors)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{2,30}$"));
    const QJsonValue v = body.value(QStringLiteral("pseudonym"));
    if (v.isUndefined() || v.isNull()) {
        if (required)
            errors << QStringLiteral("pseudonym is required");
        return;
    }
    const QString t = v.toString().trimmed();
    if (!v.isString() || !re.match(t).hasMatch())
        errors << QStringLiteral("pseudonym must be 2-30 characters of letters, digits, '_' or '-'");
    else
        out = t;
}

void readLanguage(const QJsonObject &body, std::optional<QString> &out, QStringList &errors)
{
    const QJsonValue v = body.value(QStringLiteral("language"));
    if (v.isUndefined() || v.isNull())
        return;
    if (!v.isString() || !ProfileService::supportedLanguages().contains(v.toString()))
        errors << QStringLiteral("language must be one of: ") + ProfileService::supportedLanguages().join(QStringLiteral(", "));
    else
        out = v.toString();
}

void readOrder(const QJsonObject &body, const QString &key, std::optional<QJsonValue> &out, QStringList &errors)
{
    if (!body.contains(key))
        return;
    const QJsonValue v = body.value(key);
    if (v.isNull()) {
        out = v;
        return;
    }
    bool ok = v.isArray() && v.toArray().size() <= 200;
    if (ok)
        for (const QJsonValue &item : v.toArray())
            ok = ok && item.isString() && item.toString().size() <= 100;
    if (!ok)
        errors << key + QStringLiteral(" must be an array of at most 200 ids");
    else
        out = v;
}
} // namespace

Result<QJsonObject> ProfileService::createProfile(const QString &userId, const QJsonObject &body)
{
    if (hasProfile(userId))
        return ApiError::conflict(QStringLiteral("PROFILE_EXISTS"), QStringLiteral("Profile already exists"));
    ProfileFields f;
    QStringList errors;
    readName(body, QStringLiteral("firstName"), true, f.firstName, errors);
    readName(body, QStringLiteral("lastName"), true, f.lastName, errors);
    readPseudonym(body, true, f.pseudonym, errors);
    readLanguage(body, f.language, errors);
    if (!errors.isEmpty())
        return ApiError::validation(errors.join(QStringLiteral("; ")));
    const QJsonValue tokenValue = body.value(QStringLiteral("invitationToken"));
    if (!tokenValue.isUndefined() && !tokenValue.isNull() && !tokenValue.isString())
        return ApiError::validation(QStringLiteral("invitationToken must be a string"));

    QString role = QStringLiteral("admin");
    QString invitationId;
    if (hasAdmin()) {
        const QString token = tokenValue.toString();
        if (token.isEmpty())
            return ApiError::forbidden(QStringLiteral("INVITATION_REQUIRED"), QStringLiteral("An invitation is required to join this KinBot"));
        const InvitationCheck c = m_invitations.check(token);
        if (!c.valid)
            return ApiError::badRequest(QStringLiteral("INVALID_INVITATION"), QStringLiteral("Invalid invitation: ") + c.reason);
        role = c.role;
        invitationId = c.id;
    }
    const QString language = f.language.value_or(QStringLiteral("en"));
    Status st = m_db.transaction([&]() -> Status {
        if (!invitationId.isEmpty())
            if (Status used = m_invitations.consume(invitationId, userId); !used)
                return used;
        auto ins = m_db.exec(QStringLiteral("INSERT INTO user_profiles(user_id, first_name, last_name, pseudonym, language, role) VALUES(?,?,?,?,?,?)"),
                             {userId, *f.firstName, *f.lastName, *f.pseudonym, language, role});
        if (!ins)
            return ins.error().kind == ErrorKind::Conflict
                       ? ApiError::conflict(QStringLiteral("PROFILE_EXISTS"), QStringLiteral("Profile already exists"))
                       : ins.error();
        return m_accounts.setName(userId, *f.firstName + QLatin1Char(' ') + *f.lastName);
    });
    if (!st)
        return st.error();
    if (m_profileCreated) {
        auto user = m_accounts.find(userId);
        m_profileCreated(userId, *f.firstName + QLatin1Char(' ') + *f.lastName, user ? user->email : QString());
    }
    return QJsonObject{{QStringLiteral("userId"), userId},
                       {QStringLiteral("firstName"), *f.firstName},
                       {QStringLiteral("lastName"), *f.lastName},
                       {QStringLiteral("pseudonym"), *f.pseudonym},
                       {QStringLiteral("language"), language},
                       {QStringLiteral("role"), role}};
}

Result<QJsonObject> ProfileService::me(const QString &userId) const
{
    auto q = m_db.selectOne(QStringLiteral("SELECT u.id, u.email, p.first_name, p.last_name, p.pseudonym, p.language, p.role, u.image, "
                                           "p.kin_order, p.cron_order, u.created_at FROM user u JOIN user_profiles p ON p.user_id = u.id WHERE u.id = ?"),
                            {userId});
    if (!q)
        return q.error();
    if (!q.value())
        return ApiError::notFound(QStringLiteral("USER_NOT_FOUND"), QStringLiteral("User not found"));
    const Database::Row &r = *q.value();
    return QJsonObject{{QStringLiteral("id"), r.at(0).toString()},
                       {QStringLiteral("email"), r.at(1).toString()},
                       {QStringLiteral("firstName"), r.at(2).toString()},
                       {QStringLiteral("lastName"), r.at(3).toString()},
                       {QStringLiteral("pseudonym"), r.at(4).toString()},
                       {QStringLiteral("language"), r.at(5).toString()},
                       {QStringLiteral("role"), r.at(6).toString()},
                       {QStringLiteral("avatarUrl"), json::strOrNull(r.at(7))},
                       {QStringLiteral("kinOrder"), json::strOrNull(r.at(8))},
                       {QStringLiteral("cronOrder"), json::strOrNull(r.at(9))},
                       {QStringLiteral("createdAt"), r.at(10).toLongLong()}};
}

Result<QJsonObject> ProfileService::updateMe(const QString &userId, const QJsonObject &body)
{
    ProfileFields f;
    QStringList errors;
    readName(body, QStringLiteral("firstName"), false, f.firstName, errors);
    readName(body, QStringLiteral("lastName"), false, f.lastName, errors);
    readPseudonym(body, false, f.pseudonym, errors);
    readLanguage(body, f.language, errors);
    readOrder(body, QStringLiteral("kinOrder"), f.kinOrder, errors);
    readOrder(body, QStringLiteral("cronOrder"), f.cronOrder, errors);
    if (!errors.isEmpty())
        return ApiError::validation(errors.join(QStringLiteral("; ")));

    QStringList sets;
    QVariantList values;
    auto add = [&](const char *column, const QVariant &v) {
        sets << QLatin1String(column) + QStringLiteral(" = ?");
        values << v;
    };
    if (f.firstName) add("first_name", *f.firstName);
    if (f.lastName) add("last_name", *f.lastName);
    if (f.pseudonym) add("pseudonym", *f.pseudonym);
    if (f.language) add("language", *f.language);
    auto orderValue = [](const QJsonValue &v) {
        return v.isNull() ? QVariant() : QVariant(QString::fromUtf8(json::compact(v.toArray())));
    };
    if (f.kinOrder) add("kin_order", orderValue(*f.kinOrder));
    if (f.cronOrder) add("cron_order", orderValue(*f.cronOrder));

    Status st = m_db.transaction([&]() -> Status {
        if (!sets.isEmpty()) {
            values << userId;
            auto q = m_db.exec(QStringLiteral("UPDATE user_profiles SET ") + sets.join(QStringLiteral(", ")) + QStringLiteral(" WHERE user_id = ?"), values);
            if (!q)
                return q.error();
        }
        if (f.firstName || f.lastName) {
            auto cur = m_db.exec(QStringLiteral("SELECT first_name, last_name FROM user_profiles WHERE user_id = ?"), {userId});
            if (!cur || !cur.value().next())
                return ApiError::notFound(QStringLiteral("USER_NOT_FOUND"), QStringLiteral("User not found"));
            return m_accounts.setName(userId, cur.value().value(0).toString() + QLatin1Char(' ') + cur.value().value(1).toString());
        }
        return {};
    });
    if (!st)
        return st.error();
    return me(userId);
}

Result<QJsonArray> ProfileService::listUsers() const
{
    auto q = m_db.exec(QStringLiteral("SELECT u.id, u.name, u.email, p.first_name, p.last_name, p.pseudonym, p.language, p.role, u.image, u.created_at "
                                      "FROM user u JOIN user_profiles p ON p.user_id = u.id ORDER BY u.created_at"));
    if (!q)
        return q.error();
    QJsonArray out;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        out.append(QJsonObject{{QStringLiteral("id"), r.value(0).toString()},
                               {QStringLiteral("name"), r.value(1).toString()},
                               {QStringLiteral("email"), r.value(2).toString()},
                               {QStringLiteral("firstName"), r.value(3).toString()},
                               {QStringLiteral("lastName"), r.value(4).toString()},
                               {QStringLiteral("pseudonym"), r.value(5).toString()},
                               {QStringLiteral("language"), r.value(6).toString()},
                               {QStringLiteral("role"), r.value(7).toString()},
                               {QStringLiteral("avatarUrl"), json::strOrNull(r.value(8))},
                               {QStringLiteral("createdAt"), json::isoMs(r.value(9).toLongLong())}});
    }
    return out;
}

Result<QJsonObject> ProfileService::mentionables() const
{
    auto q = m_db.exec(QStringLiteral("SELECT u.id, p.pseudonym, p.first_name, u.image FROM user u JOIN user_profiles p ON p.user_id = u.id "
                                      "ORDER BY p.pseudonym"));
    if (!q)
        return q.error();
    QJsonArray users;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        users.append(QJsonObject{{QStringLiteral("id"), r.value(0).toString()},
                                 {QStringLiteral("pseudonym"), r.value(1).toString()},
                                 {QStringLiteral("firstName"), r.value(2).toString()},
                                 {QStringLiteral("avatarUrl"), json::strOrNull(r.value(3))}});
    }
    return QJsonObject{{QStringLiteral("users"), users},
                       {QStringLiteral("kins"), m_hooks.mentionableKins ? m_hooks.mentionableKins() : QJsonArray()}};
}

Status ProfileService::deleteUser(const QString &actingUserId, const QString &targetUserId)
{
    if (actingUserId == targetUserId)
        return ApiError::badRequest(QStringLiteral("CANNOT_DELETE_SELF"), QStringLiteral("You cannot delete your own account"));
    auto found = m_accounts.find(targetUserId);
    if (!found)
        return found.error().kind == ErrorKind::NotFound ? ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("User not found"))
                                                         : found.error();
    return m_accounts.remove(targetUserId); // sessions, accounts, profile, API keys cascade
}

} // namespace kinbot
