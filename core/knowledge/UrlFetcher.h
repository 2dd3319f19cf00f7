#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::knowledge {

struct FetchedDocument
{
    QByteArray body;
    QByteArray contentType;
    QUrl finalUrl;
};

struct FetchOptions
{
    bool allowPrivate = false;          // KINBOT_ALLOW_PRIVATE_NETWORK: else loopback/LAN hosts are refused (SSRF)
    qint64 maxBytes = 10 * 1024 * 1024; // bigger bodies fail rather than being cut (a cut document would be wrong)
    int timeoutMs = 30000;              // no byte for this long → error
    int maxRedirects = 5;               // every redirect target passes the same host check
};

// GETs an http(s) URL for a knowledge source. done runs once on context's thread. Errors: 422 URL_NOT_ALLOWED
// (private host, bad scheme or redirect), 422 FETCH_FAILED (network, HTTP status ≥ 400, too large).
void fetchUrl(QNetworkAccessManager &network, const QUrl &url, const FetchOptions &options, QObject *context,
              std::function<void(Result<FetchedDocument>)> done);

} // namespace kinbot::knowledge
