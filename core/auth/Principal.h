#pragma once

#include <QString>

namespace kinbot {

enum class AuthMethod { None, Cookie, ApiKey };

// Who is calling: resolved once per request by the auth guard from the session cookie or an API key.
struct Principal
{
    AuthMethod method = AuthMethod::None;
    QString userId;
    QString email;
    QString name;
    QString role;        // "admin" | "member" | "" (no profile yet)
    bool hasProfile = false;
    QString sessionId;   // cookie sessions
    QString sessionToken;
    qint64 sessionExpiresAt = 0;
    QString apiKeyId;    // API-key requests

    bool authenticated() const { return method != AuthMethod::None; }
    bool isAdmin() const { return role == QLatin1String("admin"); }
};

} // namespace kinbot
