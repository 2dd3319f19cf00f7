#include "channels/ChannelDownload.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QUrl>

#include <memory>

namespace kinbot::channels {

void fetchBytes(QNetworkAccessManager &network, const QString &url, const QList<QPair<QByteArray, QByteArray>> &headers, qint64 maxBytes,
                int timeoutMs, const QString &secret, QObject *context, std::function<void(Result<QByteArray>)> done)
{
    const QUrl target(url);
    if (!target.isValid() || (target.scheme() != QLatin1String("https") && target.scheme() != QLatin1String("http")))
        return done(ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("The file has no downloadable address")));
    QNetworkRequest req(target);
    for (const auto &[name, value] : headers)
        req.setRawHeader(name, value);
    req.setTransferTimeout(timeoutMs);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = network.get(req);
    auto tooLarge = std::make_shared<bool>(false);
    const auto check = [reply, maxBytes, tooLarge] {
        const qint64 declared = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (!*tooLarge && (declared > maxBytes || reply->bytesAvailable() > maxBytes)) {
            *tooLarge = true;
            reply->abort();
        }
    };
    QObject::connect(reply, &QNetworkReply::metaDataChanged, context, check);
    QObject::connect(reply, &QNetworkReply::readyRead, context, check);
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, tooLarge, maxBytes, secret, done = std::move(done)] {
        reply->deleteLater();
        if (*tooLarge)
            return done(ApiError::badRequest(QStringLiteral("FILE_TOO_LARGE"),
                                             QStringLiteral("The file is larger than %1 MB").arg(maxBytes / (1024 * 1024))));
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status >= 400) {
            QString why = status >= 400 ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
            if (!secret.isEmpty())
                why.replace(secret, QStringLiteral("<token>"));
            return done(ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("The file could not be downloaded: ") + why));
        }
        done(reply->readAll());
    });
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        QObject::disconnect(reply, &QNetworkReply::finished, nullptr, nullptr);
        reply->abort();
        reply->deleteLater();
    });
}

} // namespace kinbot::channels
