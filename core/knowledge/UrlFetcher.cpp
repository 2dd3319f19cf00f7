#include "knowledge/UrlFetcher.h"

#include "util/PrivateNetwork.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

#include <memory>

namespace kinbot::knowledge {

namespace {

ApiError notAllowed(const QString &message)
{
    return ApiError::unprocessable(QStringLiteral("URL_NOT_ALLOWED"), message);
}

ApiError fetchFailed(const QString &message)
{
    return ApiError::unprocessable(QStringLiteral("FETCH_FAILED"), message);
}

bool httpScheme(const QUrl &url)
{
    return url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
}

} // namespace

void fetchUrl(QNetworkAccessManager &network, const QUrl &url, const FetchOptions &options, QObject *context,
              std::function<void(Result<FetchedDocument>)> done)
{
    QPointer<QObject> guard(context);
    auto finish = [guard, done](Result<FetchedDocument> r) {
        if (guard)
            done(std::move(r));
    };
    if (!url.isValid() || !httpScheme(url) || url.host().isEmpty())
        return finish(notAllowed(QStringLiteral("The URL must be an absolute http(s) URL")));

    auto send = [&network, url, options, finish] {
        QNetworkRequest req(url);
        req.setTransferTimeout(options.timeoutMs);
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
        req.setMaximumRedirectsAllowed(options.maxRedirects);
        req.setRawHeader("Accept", "text/html, text/plain, text/markdown, application/pdf, "
                                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9, */*;q=0.5");
        req.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("KinBot-Knowledge/1.0"));
        QNetworkReply *reply = network.get(req);
        auto body = std::make_shared<QByteArray>();
        auto failure = std::make_shared<std::optional<ApiError>>();
        QObject::connect(reply, &QNetworkReply::redirected, reply, [reply, options, failure](const QUrl &to) {
            if (!httpScheme(to)) {
                *failure = notAllowed(QStringLiteral("Redirect to a non-http(s) URL refused"));
                return reply->abort();
            }
            QPointer<QNetworkReply> r(reply);
            netguard::checkHost(reply, to.host(), options.allowPrivate, [r, failure](const QString &why) {
                if (!r)
                    return;
                if (why.isEmpty())
                    return Q_EMIT r->redirectAllowed();
                *failure = notAllowed(QStringLiteral("Redirect refused: ") + why);
                r->abort();
            });
        });
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, body, failure, options] {
            if (failure->has_value())
                return;
            body->append(reply->readAll());
            if (body->size() > options.maxBytes) {
                *failure = fetchFailed(QStringLiteral("The document is larger than %1 MB").arg(options.maxBytes / (1024 * 1024)));
                body->clear();
                reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, body, failure, options, finish] {
            reply->deleteLater();
            if (failure->has_value())
                return finish(failure->value());
            if (reply->isOpen())
                body->append(reply->readAll());
            if (body->size() > options.maxBytes)
                return finish(fetchFailed(QStringLiteral("The document is larger than %1 MB").arg(options.maxBytes / (1024 * 1024))));
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 0 || (reply->error() != QNetworkReply::NoError && status < 400))
                return finish(fetchFailed(QStringLiteral("Fetching the URL failed: ") + reply->errorString()));
            if (status >= 400)
                return finish(fetchFailed(QStringLiteral("The server answered HTTP %1").arg(status)));
            finish(FetchedDocument{*body, reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->url()});
        });
    };
    netguard::checkHost(context, url.host(), options.allowPrivate, [send, finish](const QString &why) {
        if (!why.isEmpty())
            return finish(notAllowed(why));
        send();
    });
}

} // namespace kinbot::knowledge
