#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QStringList>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::channels {

// One JSON call to a platform's REST API (WhatsApp Graph, the signal-cli bridge), asynchronously.
struct PlatformCall
{
    QByteArray verb = "GET"; // GET | POST | PUT
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QJsonDocument body; // sent as application/json unless null
    int timeoutMs = 15000;
    // Strings that must never appear in an error message (tokens, a bridge URL that may carry credentials): Qt's error
    // text quotes the request URL.
    QStringList redact;
};

// done: the answer's JSON (a null document for an empty body) on a 2xx status; otherwise an error whose message is
// `what` + ": " + the platform's own message (error.message, error, message) or the HTTP status, or the network error.
// errorCode names the platform (e.g. WHATSAPP_ERROR). The callback runs on the context's thread, and not at all once
// the context is gone.
void platformCall(QNetworkAccessManager &network, QObject *context, const PlatformCall &call, const QString &errorCode,
                  const QString &what, std::function<void(Result<QJsonDocument>)> done);

} // namespace kinbot::channels
