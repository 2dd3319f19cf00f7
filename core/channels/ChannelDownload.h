#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::channels {

// GETs a platform file, at most maxBytes (a larger Content-Length, or more bytes arriving, aborts with
// FILE_TOO_LARGE), within timeoutMs. `secret` (a token in the URL) is removed from error texts. done runs once, on
// the calling thread; nothing when `context` is destroyed first.
void fetchBytes(QNetworkAccessManager &network, const QString &url, const QList<QPair<QByteArray, QByteArray>> &headers, qint64 maxBytes,
                int timeoutMs, const QString &secret, QObject *context, std::function<void(Result<QByteArray>)> done);

} // namespace kinbot::channels
