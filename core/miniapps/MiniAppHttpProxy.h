#pragma once

#include "util/RateLimiter.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

class QNetworkAccessManager;

namespace kinbot {

class Clock;

// POST /api/mini-apps/:id/http (miniapps.md §2.7): lets an app call other sites despite its CSP. Body
// {url, method?, headers?, body?}; the answer is always 200 {status, statusText, headers, body, isBase64} wrapping the
// upstream response. Per app: 60 calls a minute (429 RATE_LIMITED). Errors: 400 INVALID_BODY / MISSING_URL / INVALID_URL /
// INVALID_PROTOCOL / INVALID_METHOD, 403 BLOCKED_HOST, 504 TIMEOUT (15 s), 502 RESPONSE_TOO_LARGE (5 MB) / PROXY_ERROR.
// Unlike the reference's string checks, hosts are resolved and every address checked (and every redirect hop), so a DNS
// name pointing at the LAN or an IPv6 loopback is refused too.
class MiniAppHttpProxy final : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        int perMinute = 60;
        int timeoutMs = 15000;
        qint64 maxBytes = 5LL * 1024 * 1024;
    };
    MiniAppHttpProxy(QNetworkAccessManager &network, const Clock &clock, bool allowPrivate, Limits limits, QObject *parent = nullptr);

    void fetch(const QString &appId, const QByteArray &requestBody, QObject *context, std::function<void(Result<QJsonObject>)> done);

private:
    QNetworkAccessManager &m_network;
    bool m_allowPrivate;
    Limits m_limits;
    RateLimiter m_rate;
};

} // namespace kinbot
