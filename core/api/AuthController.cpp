#include "api/AuthController.h"

#include "auth/AccountService.h"
#include "auth/SessionStore.h"
#include "crypto/PasswordHasher.h"
#include "http/Exchange.h"
#include "http/SseHub.h"
#include "log/Logger.h"
#include "util/Async.h"

#include <QThreadPool>

namespace kinbot {

AuthController::AuthController(AccountService &accounts, SessionStore &sessions, SseHub &hub, QThreadPool &pool, const Clock &clock,
                               Logger &logger, QObject *parent)
    : QObject(parent)
    , m_accounts(accounts)
    , m_sessions(sessions)
    , m_hub(hub)
    , m_pool(pool)
    , m_logger(logger)
    , m_failures(clock, kMaxFailedSignIns, kFailureWindowMs)
    , m_dummyHash(QStringLiteral("00000000000000000000000000000000:") + QString(128, QLatin1Char('0')))
{
}

static std::optional<QString> stringField(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isString())
        return std::nullopt;
    return v.toString();
}

void AuthController::startSession(const ExchangePtr &ex, const QString &userId, const std::function<QJsonObject(const QString &)> &body)
{
    auto session = m_sessions.create(userId, ex->remoteAddress().toString(), QString::fromUtf8(ex->header("user-agent")));
    if (!session)
        return ex->fail(session.error());
    ex->addResponseHeader("Set-Cookie", m_sessions.setCookieHeader(session->token, SessionStore::kLifetimeMs / 1000));
    ex->send(Reply::json(body(session->token)));
}

void AuthController::signUp(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const auto name = stringField(*body, "name");
    const auto email = stringField(*body, "email");
    const auto password = stringField(*body, "password");
    if (!name || name->trimmed().isEmpty() || name->size() > 200 || !email || !password)
        return ex->fail(ApiError::validation(QStringLiteral("name (1-200 characters), email and password are required strings")));
    if (Status st = AccountService::validateEmail(email->trimmed()); !st)
        return ex->fail(st.error());
    if (Status st = AccountService::validateNewPassword(*password); !st)
        return ex->fail(st.error());
    if (m_accounts.findByEmail(*email).ok())
        return ex->fail(ApiError::unprocessable(QStringLiteral("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"),
                                                QStringLiteral("User already exists. Use another email.")));

    runOffThread(
        m_pool, this, [pw = *password] { return passwords::hash(pw); },
        [this, ex, name = name->trimmed(), email = email->trimmed()](QString hash) {
            if (!ex->alive())
                return;
            if (hash.isEmpty())
                return ex->fail(ApiError::internal(QStringLiteral("Password hashing failed")));
            auto user = m_accounts.create(name, email, hash);
            if (!user)
                return ex->fail(user.error());
            m_logger.info(QStringLiteral("auth"), QStringLiteral("User signed up"), {{QStringLiteral("userId"), user->id}});
            const QJsonObject userJson = user->toJson();
            startSession(ex, user->id, [userJson](const QString &token) {
                return QJsonObject{{QStringLiteral("token"), token}, {QStringLiteral("user"), userJson}};
            });
        });
}

void AuthController::signIn(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const auto email = stringField(*body, "email");
    const auto password = stringField(*body, "password");
    if (!email || !password)
        return ex->fail(ApiError::validation(QStringLiteral("email and password are required strings")));
    const QString limiterKey = ex->remoteAddress().toString() + QLatin1Char('|') + email->trimmed().toLower();
    if (m_failures.limited(limiterKey)) {
        ex->addResponseHeader("Retry-After", QByteArray::number((m_failures.retryAfterMs(limiterKey) + 999) / 1000));
        return ex->fail(ApiError::tooManyRequests(QStringLiteral("Too many failed sign-in attempts. Please try again later.")));
    }
    auto user = m_accounts.findByEmail(*email);
    const QString stored = user ? m_accounts.passwordHash(user->id).value_or(m_dummyHash) : m_dummyHash;
    const std::optional<UserRecord> found = user ? std::optional<UserRecord>(user.value()) : std::nullopt;

    runOffThread(
        m_pool, this, [pw = *password, stored] { return passwords::verify(pw, stored); },
        [this, ex, found, limiterKey](bool ok) {
            if (!ex->alive())
                return;
            if (!ok || !found) {
                m_failures.record(limiterKey);
                m_logger.warn(QStringLiteral("auth"), QStringLiteral("Failed sign-in"));
                return ex->fail({ErrorKind::Unauthorized, QStringLiteral("INVALID_EMAIL_OR_PASSWORD"), QStringLiteral("Invalid email or password")});
            }
            m_failures.reset(limiterKey);
            const QJsonObject userJson = found->toJson();
            startSession(ex, found->id, [userJson](const QString &token) {
                return QJsonObject{{QStringLiteral("redirect"), false}, {QStringLiteral("token"), token}, {QStringLiteral("user"), userJson}};
            });
        });
}

void AuthController::signOut(const ExchangePtr &ex)
{
    const Principal &p = ex->principal;
    if (p.method == AuthMethod::Cookie) {
        if (Status st = m_sessions.remove(p.sessionId); !st)
            return ex->fail(st.error());
        m_hub.closeSession(p.sessionId);
    }
    ex->addResponseHeader("Set-Cookie", m_sessions.clearCookieHeader());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void AuthController::getSession(const ExchangePtr &ex)
{
    const Principal &p = ex->principal;
    if (p.method != AuthMethod::Cookie)
        return ex->send(Reply::jsonRaw("null"));
    auto session = m_sessions.find(p.sessionId);
    auto user = m_accounts.find(p.userId);
    if (!session || !user)
        return ex->send(Reply::jsonRaw("null"));
    SessionRecord s = session.value();
    s.token = p.sessionToken;
    ex->send(Reply::json(QJsonObject{{QStringLiteral("session"), s.toJson()}, {QStringLiteral("user"), user->toJson()}}));
}

void AuthController::changePassword(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const auto current = stringField(*body, "currentPassword");
    const auto next = stringField(*body, "newPassword");
    if (!current || !next)
        return ex->fail(ApiError::validation(QStringLiteral("currentPassword and newPassword are required strings")));
    if (Status st = AccountService::validateNewPassword(*next); !st)
        return ex->fail(st.error());
    const bool revokeOthers = body->value(QStringLiteral("revokeOtherSessions")).toBool(false);
    const Principal p = ex->principal;
    const QString stored = m_accounts.passwordHash(p.userId).value_or(m_dummyHash);

    struct Outcome { bool ok; QString newHash; };
    runOffThread(
        m_pool, this,
        [cur = *current, nxt = *next, stored] {
            if (!passwords::verify(cur, stored))
                return Outcome{false, {}};
            return Outcome{true, passwords::hash(nxt)};
        },
        [this, ex, p, revokeOthers](Outcome o) {
            if (!ex->alive())
                return;
            if (!o.ok)
                return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_PASSWORD"), QStringLiteral("Invalid password")));
            if (Status st = m_accounts.setPasswordHash(p.userId, o.newHash); !st)
                return ex->fail(st.error());
            if (revokeOthers) {
                if (Status st = m_sessions.removeAllForUser(p.userId, p.sessionId); !st)
                    return ex->fail(st.error());
            }
            m_logger.info(QStringLiteral("auth"), QStringLiteral("Password changed"), {{QStringLiteral("userId"), p.userId}});
            auto user = m_accounts.find(p.userId);
            if (!user)
                return ex->fail(user.error());
            ex->send(Reply::json(QJsonObject{{QStringLiteral("token"), QJsonValue()}, {QStringLiteral("user"), user->toJson()}}));
        });
}

} // namespace kinbot
