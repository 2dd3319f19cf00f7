#include "channels/PlatformHttp.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>

namespace kinbot::channels {

namespace {

// The platform's own words for a failure, if its answer has any.
QString platformMessage(const QJsonDocument &doc)
{
    const QJsonObject o = doc.object();
    const QJsonValue error = o.value(QStringLiteral("error"));
    if (error.isObject()) {
        const QString m = error.toObject().value(QStringLiteral("message")).toString();
        if (!m.isEmpty())
            return m;
    }
    if (error.isString() && !error.toString().isEmpty())
        return error.toString();
    return o.value(QStringLiteral("message")).toString();
}

} // namespace

void platformCall(QNetworkAccessManager &network, QObject *context, const PlatformCall &call, const QString &errorCode,
                  const QString &what, std::function<void(Result<QJsonDocument>)> done)
{
    QNetworkRequest req(call.url);
    req.setTransferTimeout(call.timeoutMs);
    for (const auto &[name, value] : call.headers)
        req.setRawHeader(name, value);
    const QByteArray payload = call.body.isNull() ? QByteArray() : call.body.toJson(QJsonDocument::Compact);
    if (!call.body.isNull())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = call.verb == "GET" ? network.get(req) : network.sendCustomRequest(req, call.verb, payload);
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, call, errorCode, what, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        if (status >= 200 && status < 300)
            return done(doc);
        QString why = platformMessage(doc);
        if (why.isEmpty() && status > 0)
            why = QStringLiteral("HTTP %1").arg(status);
        else if (status > 0)
            why = QStringLiteral("HTTP %1, %2").arg(status).arg(why);
        if (why.isEmpty())
            why = reply->errorString();
        for (const QString &secret : call.redact)
            if (!secret.isEmpty())
                why.replace(secret, QStringLiteral("<redacted>"));
        done(ApiError::badRequest(errorCode, what + QStringLiteral(": ") + why));
    });
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        QObject::disconnect(reply, &QNetworkReply::finished, nullptr, nullptr);
        reply->abort();
        reply->deleteLater();
    });
}

} // namespace kinbot::channels
