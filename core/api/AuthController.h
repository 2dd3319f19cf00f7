#pragma once

#include "http/Route.h"
#include "util/RateLimiter.h"

#include <QObject>

class QThreadPool;

namespace kinbot {

class AccountService;
class Logger;
class SessionStore;
class SseHub;

// Better-Auth-compatible email+password endpoints under /api/auth (flat error bodies, session cookie).
// Password hashing and verification run on a worker pool; the main loop never waits on scrypt.
class AuthController final : public QObject
{
    Q_OBJECT
public:
    AuthController(AccountService &accounts, SessionStore &sessions, SseHub &hub, QThreadPool &pool, const Clock &clock,
                   Logger &logger, QObject *parent = nullptr);

    void signUp(const ExchangePtr &ex);
    void signIn(const ExchangePtr &ex);
    void signOut(const ExchangePtr &ex);
    void getSession(const ExchangePtr &ex);
    void changePassword(const ExchangePtr &ex);

    static constexpr int kMaxFailedSignIns = 10;
    static constexpr qint64 kFailureWindowMs = 5 * 60 * 1000;

private:
    void startSession(const ExchangePtr &ex, const QString &userId, const std::function<QJsonObject(const QString &token)> &body);

    AccountService &m_accounts;
    SessionStore &m_sessions;
    SseHub &m_hub;
    QThreadPool &m_pool;
    Logger &m_logger;
    RateLimiter m_failures;
    QString m_dummyHash; // verified against when the email is unknown, so timing does not reveal accounts
};

} // namespace kinbot
