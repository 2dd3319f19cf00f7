#include "llm/JsonGet.h"

#include "llm/LlmErrors.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace kinbot::llm {

static void awaitJson(QNetworkReply *reply, int timeoutMs, QObject *context, std::function<void(Result<QJsonDocument>)> done)
{
    // Owned by the context: if the caller goes away, deleting the reply aborts it.
    reply->setParent(context);
    auto timedOut = std::make_shared<bool>(false);
    if (timeoutMs > 0) {
        auto *timer = new QTimer(reply);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
            *timedOut = true;
            reply->abort();
        });
        timer->start(timeoutMs);
    }
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, timeoutMs, timedOut, done = std::move(done)] {
        reply->deleteLater();
        if (*timedOut) {
            LlmError e;
            e.kind = LlmError::Kind::Timeout;
            e.message = QStringLiteral("The provider did not answer within %1 ms").arg(timeoutMs);
            done(toApiError(e));
            return;
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray(); // an aborted reply is closed
        if (status >= 300) {
            done(toApiError(errorFromHttp(status, body)));
            return;
        }
        if (status == 0 || reply->error() != QNetworkReply::NoError) {
            done(toApiError(errorFromNetwork(reply->error(), reply->errorString())));
            return;
        }
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (err.error != QJsonParseError::NoError) {
            LlmError e;
            e.kind = LlmError::Kind::Protocol;
            e.httpStatus = status;
            e.message = QStringLiteral("The provider answered with invalid JSON: %1")
                            .arg(QString::fromUtf8(body.left(200)).simplified());
            done(toApiError(e));
            return;
        }
        done(doc);
    }, Qt::QueuedConnection);
}

void getJson(QNetworkAccessManager &network, const QNetworkRequest &request, int timeoutMs, QObject *context,
             std::function<void(Result<QJsonDocument>)> done)
{
    awaitJson(network.get(request), timeoutMs, context, std::move(done));
}

void postJson(QNetworkAccessManager &network, QNetworkRequest request, const QJsonObject &body, int timeoutMs, QObject *context,
              std::function<void(Result<QJsonDocument>)> done)
{
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    awaitJson(network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)), timeoutMs, context, std::move(done));
}

} // namespace kinbot::llm
