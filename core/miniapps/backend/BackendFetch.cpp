#include "miniapps/backend/BackendFetch.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace kinbot::miniapps {

namespace {

ApiError fetchError(const QString &message)
{
    return ApiError{ErrorKind::BadGateway, QStringLiteral("FETCH_FAILED"), message};
}

bool httpScheme(const QUrl &url)
{
    return url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
}

bool droppedRequestHeader(const QByteArray &lowerName)
{
    return lowerName == "host" || lowerName == "content-length" || lowerName == "connection" || lowerName == "transfer-encoding"
           || lowerName == "upgrade";
}

} // namespace

void backendFetch(QNetworkAccessManager &network, QObject *context, const FetchCall &call, const FetchLimits &limits,
                  std::function<void(Result<FetchAnswer>)> done)
{
    QPointer<QObject> guardCtx(context);
    auto finished = std::make_shared<bool>(false);
    auto finish = [guardCtx, done, finished](const Result<FetchAnswer> &r) {
        if (*finished || !guardCtx)
            return;
        *finished = true;
        done(r);
    };
    const QUrl url = call.url;
    if (!url.isValid() || !httpScheme(url) || url.host().isEmpty())
        return finish(fetchError(QStringLiteral("only absolute http(s) URLs can be fetched: ") + url.toString()));

    auto send = [&network, call, limits, finish] {
        QNetworkRequest req(call.url);
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
        req.setMaximumRedirectsAllowed(limits.maxRedirects);
        for (const auto &[name, value] : call.headers)
            if (!droppedRequestHeader(name.toLower()))
                req.setRawHeader(name, value);
        if (!req.hasRawHeader("User-Agent"))
            req.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("KinBot-MiniApp/1.0"));
        QNetworkReply *reply = call.hasBody ? network.sendCustomRequest(req, call.method, call.body)
                                            : network.sendCustomRequest(req, call.method);
        auto body = std::make_shared<QByteArray>();
        auto failure = std::make_shared<std::optional<ApiError>>();
        auto *timer = new QTimer(reply);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, reply, [reply, failure, limits] {
            *failure = fetchError(QStringLiteral("timed out after %1 s").arg(limits.timeoutMs / 1000.0));
            reply->abort();
        });
        timer->start(limits.timeoutMs);
        QObject::connect(reply, &QNetworkReply::redirected, reply, [reply, limits, failure](const QUrl &to) {
            if (!httpScheme(to)) {
                *failure = fetchError(QStringLiteral("redirect to a non-http(s) URL refused"));
                return reply->abort();
            }
            QPointer<QNetworkReply> r(reply);
            limits.guard(reply, to.host(), [r, failure](const QString &why) {
                if (!r)
                    return;
                if (why.isEmpty())
                    return Q_EMIT r->redirectAllowed();
                *failure = fetchError(QStringLiteral("redirect refused: ") + why);
                r->abort();
            });
        });
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, body, failure, limits] {
            if (failure->has_value())
                return;
            body->append(reply->readAll());
            if (body->size() > limits.maxBytes) {
                *failure = fetchError(QStringLiteral("the response is larger than %1 MB").arg(limits.maxBytes / (1024.0 * 1024.0)));
                body->clear();
                reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, body, failure, limits, finish] {
            reply->deleteLater();
            if (failure->has_value())
                return finish(failure->value());
            if (reply->isOpen())
                body->append(reply->readAll());
            if (body->size() > limits.maxBytes)
                return finish(fetchError(QStringLiteral("the response is larger than %1 MB").arg(limits.maxBytes / (1024.0 * 1024.0))));
            const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            if (!status.isValid())
                return finish(fetchError(reply->errorString()));
            FetchAnswer a;
            a.status = status.toInt();
            a.statusText = QString::fromUtf8(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray());
            a.url = reply->url();
            for (const auto &[name, value] : reply->rawHeaderPairs())
                a.headers.append({name.toLower(), value});
            a.body = *body;
            finish(std::move(a));
        });
    };
    limits.guard(context, url.host(), [send, finish](const QString &why) {
        if (!why.isEmpty())
            return finish(fetchError(why));
        send();
    });
}

} // namespace kinbot::miniapps
