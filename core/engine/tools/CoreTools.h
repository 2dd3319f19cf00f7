#pragma once

#include <QString>

class QNetworkAccessManager;

namespace kinbot {

class Clock;
class KinService;
class NotificationService;
class ToolRegistry;

struct CoreToolDeps
{
    KinService &kins;
    NotificationService &notifications;
    QNetworkAccessManager &network;
    const Clock &clock;
    QString version;
    qint64 startedAtMs = 0;
    bool allowPrivateNetwork = false; // http_request to loopback/private hosts (off: SSRF defence)
    int httpTimeoutMs = 30000;        // http_request: no byte for this long → error
};

// think, get_system_info, list_kins, notify, http_request.
void registerCoreTools(ToolRegistry &registry, const CoreToolDeps &deps);

} // namespace kinbot
