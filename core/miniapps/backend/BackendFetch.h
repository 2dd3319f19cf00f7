#pragma once

#include "miniapps/backend/BackendTypes.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QObject;

namespace kinbot::miniapps {

struct FetchCall
{
    QUrl url;
    QByteArray method = "GET";
    HeaderList headers;
    QByteArray body;
    bool hasBody = false;
};

struct FetchAnswer
{
    int status = 0;
    QString statusText;
    QUrl url; // after redirects
    HeaderList headers;
    QByteArray body;
};

struct FetchLimits
{
    HostGuard guard;  // required: decides which hosts may be reached (also for every redirect target)
    int timeoutMs = 15000;
    qint64 maxBytes = 5 * 1024 * 1024;
    int maxRedirects = 5;
};

// The fetch() of a backend engine: one HTTP(S) exchange over network (which lives on the caller's thread, like
// context). done runs once on context's thread, unless context is destroyed first. Errors carry a short reason
// (bad scheme, refused host, timeout, too large, network error); an HTTP error status is an answer, not an error.
void backendFetch(QNetworkAccessManager &network, QObject *context, const FetchCall &call, const FetchLimits &limits,
                  std::function<void(Result<FetchAnswer>)> done);

} // namespace kinbot::miniapps
