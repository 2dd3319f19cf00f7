#pragma once

#include "HttpClient.h"
#include "Platform.h"
#include "config/ServerConfig.h"
#include "http/SseHub.h"
#include "storage/Database.h"
#include "util/Clock.h"

#include <QTemporaryDir>

#include <functional>
#include <memory>
#include <optional>

namespace kinbot::test {

struct TestUser
{
    QString id;
    QString email;
    QString password;
    QByteArray cookie; // "better-auth.session_token=..."
};

// The real server, in-process, on an ephemeral loopback port with a temporary data dir and a manual clock.
class TestServer
{
public:
    // clockStartMs: where the manual clock starts (default: the real time now), e.g. to restart "later" on the same data dir.
    explicit TestServer(const std::function<void(ServerConfig &)> &configure = {}, std::optional<qint64> clockStartMs = std::nullopt);
    ~TestServer();

    bool ok() const { return m_started; }
    QString error() const { return m_error; }
    quint16 port() const { return m_port; }
    QString dataDir() const { return m_dir.path(); }
    Platform &platform() { return *m_platform; }
    ManualClock &clock() { return m_clock; }

    // A client with no credentials.
    HttpClient client() const { return HttpClient(m_port); }
    // A client carrying the user's session cookie and a trusted Origin.
    HttpClient clientFor(const TestUser &user) const;

    // Signs up (no profile). Fails the calling test (returns empty id) on error.
    TestUser signUp(const QString &email, const QString &password = QStringLiteral("correct-horse-42"), const QString &name = QStringLiteral("Test User"));
    // Signs up and completes onboarding; the first such user is admin. invitationToken for later users.
    TestUser onboard(const QString &email, const QString &pseudonym, const QString &invitationToken = {});
    // Creates an API key for the user and returns its secret.
    QByteArray apiKey(const TestUser &user, const QString &name = QStringLiteral("test"));

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Platform> m_platform;
    quint16 m_port = 0;
    bool m_started = false;
    QString m_error;
};

} // namespace kinbot::test
