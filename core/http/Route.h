#pragma once

#include "http/ErrorMapping.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace kinbot {

class Exchange;
using ExchangePtr = std::shared_ptr<Exchange>;
using Handler = std::function<void(const ExchangePtr &)>;

// Who may call a route.
enum class Access {
    Public,        // anyone; a principal is still resolved when credentials are present
    Authenticated, // a valid session or API key; no profile needed (onboarding)
    Member,        // authenticated with a completed profile (403 PROFILE_REQUIRED otherwise)
    Admin,         // a member whose role is admin (403 FORBIDDEN otherwise)
};

struct Route
{
    QByteArray method;  // GET, POST, PUT, PATCH, DELETE (GET also answers HEAD)
    QString pattern;    // "/api/users/:id", "/api/uploads/*"
    Access access = Access::Member;
    Handler handler;
    ErrorStyle errorStyle = ErrorStyle::Envelope;
    qint64 maxBodyBytes = 0; // 0 = the server's default limit
    bool streaming = false;  // long-lived (SSE): no request timeout
    bool spoolBody = false;  // big bodies (uploads) are written to disk as they arrive, never held in memory
};

} // namespace kinbot
