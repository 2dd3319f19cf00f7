#include "TestServer.h"

namespace kinbot::test {

TestServer::TestServer(const std::function<void(ServerConfig &)> &configure, std::optional<qint64> clockStartMs)
{
    if (clockStartMs)
        m_clock.setNowMs(*clockStartMs);
    ServerConfig cfg;
    cfg.dataDir = m_dir.path() + QStringLiteral("/data");
    cfg.port = 0;
    cfg.quiet = !qEnvironmentVariableIsSet("KINBOT_TEST_VERBOSE");
    if (configure)
        configure(cfg);
    m_platform = std::make_unique<Platform>(cfg, m_clock);
    auto port = m_platform->start();
    if (!port) {
        m_error = port.error().message;
        return;
    }
    m_port = port.value();
    m_started = true;
}

TestServer::~TestServer() = default;

HttpClient TestServer::clientFor(const TestUser &user) const
{
    HttpClient c(m_port);
    c.setDefaultHeader("Cookie", user.cookie);
    c.setDefaultHeader("Origin", c.origin());
    return c;
}

TestUser TestServer::signUp(const QString &email, const QString &password, const QString &name)
{
    HttpClient c(m_port);
    const HttpResponse r = c.postJson("/api/auth/sign-up/email", {{QStringLiteral("name"), name},
                                                                  {QStringLiteral("email"), email},
                                                                  {QStringLiteral("password"), password}});
    TestUser u;
    if (r.status != 200)
        return u;
    u.id = r.json().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
    u.email = email;
    u.password = password;
    u.cookie = "better-auth.session_token=" + c.cookies().value("better-auth.session_token");
    return u;
}

TestUser TestServer::onboard(const QString &email, const QString &pseudonym, const QString &invitationToken)
{
    TestUser u = signUp(email);
    if (u.id.isEmpty())
        return u;
    QJsonObject body{{QStringLiteral("firstName"), pseudonym}, {QStringLiteral("lastName"), QStringLiteral("Tester")},
                     {QStringLiteral("pseudonym"), pseudonym}, {QStringLiteral("language"), QStringLiteral("en")}};
    if (!invitationToken.isEmpty())
        body.insert(QStringLiteral("invitationToken"), invitationToken);
    const HttpResponse r = clientFor(u).postJson("/api/onboarding/profile", body);
    if (r.status != 201)
        u.id.clear();
    return u;
}

QByteArray TestServer::apiKey(const TestUser &user, const QString &name)
{
    const HttpResponse r = clientFor(user).postJson("/api/me/api-keys", {{QStringLiteral("name"), name}});
    return r.json().value(QStringLiteral("key")).toString().toLatin1();
}

} // namespace kinbot::test
