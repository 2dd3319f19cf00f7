#pragma once

#include "util/ApiError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

class QObject;

namespace kinbot::miniapps {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// What the host needs to know of an app. A different version than the loaded one reloads the backend.
struct BackendApp
{
    QString appId;
    QString kinId;
    QString appName;
    QString appDir; // absolute path holding _server.js (or _server.ts) and its relative imports
    int version = 0;

    // Plugins (core/plugins) run in this same host; these stay empty for mini-apps.
    QString entry;     // module to load, relative to appDir ("" = _server.js, else _server.ts)
    QString logModule; // logger module ("" = "miniapp:<appId>")
    // Non-empty: plugin mode. The glue builds the plugin ctx ({config, log, storage, http, manifest} from this
    // object's config and manifest), accepts any exports object from the factory and serves the host's calls to it
    // (see resources/jsruntime/src/host-glue.js, pluginApp).
    QJsonObject plugin;
    // Set: fetch() may reach only these hosts (lower-case; a plugin's http:<host> permissions); any other is refused
    // with a message naming the missing permission. The private-network guard still applies to the allowed ones.
    std::optional<QStringList> allowedHosts;
};

// One request for the app's backend. url: already rewritten by the caller (path = the part after
// /api/mini-apps/<id>/api, "/" when empty; query kept); an absolute URL keeps its host, a relative one gets
// http://localhost. body: valid UTF-8 reaches the engine as text, anything else as an ArrayBuffer (so
// c.req.arrayBuffer() sees the same bytes); a response body given as bytes (ArrayBuffer / typed array) comes back
// unchanged, any other as UTF-8 text.
struct BackendRequest
{
    QByteArray method = "GET";
    QUrl url;
    HeaderList headers;
    QByteArray body;
};

struct BackendResponse
{
    int status = 200;
    HeaderList headers; // lower-case names, as the engine's Headers gives them
    QByteArray body;
};

// Decides whether ctx-side fetch() may reach host: calls verdict with "" (allowed) or the reason of the refusal, on
// context's thread. The default is netguard::checkHost (private and loopback hosts refused unless allowPrivateNetwork).
using HostGuard = std::function<void(QObject *context, const QString &host, std::function<void(QString)> verdict)>;

struct BackendOptions
{
    int timeoutMs = 10000;             // per request, and for a load (bundle evaluation + factory); env KINBOT_BACKEND_TIMEOUT_MS
    bool allowPrivateNetwork = false;  // fetch() to loopback/LAN hosts (KINBOT_ALLOW_PRIVATE_NETWORK)
    HostGuard hostGuard;               // overrides the default guard when set (tests)
    int fetchTimeoutMs = 15000;        // whole fetch() exchange
    qint64 fetchMaxBytes = 5 * 1024 * 1024;
    // glibc gives every thread that allocates its own malloc arena (up to 8 per core), which costs each backend thread
    // about 3 MB of RSS. The first BackendHost caps the arenas of the process at this number (mallopt M_ARENA_MAX)
    // unless MALLOC_ARENA_MAX is set; 0 leaves the allocator alone. No effect off glibc.
    int mallocArenas = 2;

    // timeoutMs from KINBOT_BACKEND_TIMEOUT_MS when that is a positive integer, else the given default.
    static BackendOptions fromEnvironment(BackendOptions defaults);
    static BackendOptions fromEnvironment();
};

// The wire errors of the backend route (all mapped by http/ErrorMapping through their kind).
namespace backend_errors {
inline ApiError unavailable(const QString &reason) // load failure: 500 BACKEND_UNAVAILABLE with the reason
{
    return {ErrorKind::Internal, QStringLiteral("BACKEND_UNAVAILABLE"), QStringLiteral("Backend failed to load: ") + reason};
}
inline ApiError failed() // an exception escaped the backend's fetch(): 500 BACKEND_ERROR (the cause is logged)
{
    return {ErrorKind::Internal, QStringLiteral("BACKEND_ERROR"), QStringLiteral("Internal backend error")};
}
inline ApiError timedOut(int ms)
{
    return {ErrorKind::GatewayTimeout, QStringLiteral("BACKEND_TIMEOUT"), QStringLiteral("The backend did not answer within %1 ms").arg(ms)};
}
inline ApiError gone(const QString &why) // the engine was torn down (reload, unload, shutdown) while the request ran
{
    return {ErrorKind::ServiceUnavailable, QStringLiteral("BACKEND_UNAVAILABLE"), why};
}
} // namespace backend_errors

} // namespace kinbot::miniapps
