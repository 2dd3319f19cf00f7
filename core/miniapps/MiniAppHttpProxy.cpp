#include "miniapps/MiniAppHttpProxy.h"

#include "util/PrivateNetwork.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace kinbot {

namespace {

ApiError bad(const char *code, const QString &message)
{
    return ApiError::badRequest(QLatin1String(code), message);
}

ApiError badGateway(const char *code, const QString &message)
{
    return ApiError{ErrorKind::BadGateway, QLatin1String(code), message};
}

bool isTextual(const QByteArray &contentType)
{
    const QByteArray t = contentType.toLower();
    for (const char *marker : {"text", "json", "xml", "javascript", "html"})
        if (t.contains(marker))
            return true;
    return false;
}

} // namespace

MiniAppHttpProxy::MiniAppHttpProxy(QNetworkAccessManager &network, const Clock &clock, bool allowPrivate, Limits limits, QObject *parent)
    : QObject(parent), m_network(network), m_allowPrivate(allowPrivate), m_limits(limits), m_rate(clock, limits.perMinute, 60000)
{
}

void MiniAppHttpProxy::fetch(const QString &appId, const QByteArray &requestBody, QObject *context,
                             std::function<void(Result<QJsonObject>)> done)
{
    // Counted before validation, as the reference does: a flood of bad calls is still a flood.
    if (m_rate.limited(appId))
        return done(ApiError::tooManyRequests(QStringLiteral("Rate limited: max %1 requests per minute").arg(m_limits.perMinute)));
    m_rate.record(appId);

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(requestBody, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject())
        return done(bad("INVALID_BODY", QStringLiteral("Body must be a JSON object {url, method?, headers?, body?}")));
    const QJsonObject in = doc.object();
    const QString urlText = in.value(QStringLiteral("url")).toString().trimmed();
    if (urlText.isEmpty())
        return done(bad("MISSING_URL", QStringLiteral("url is required")));
    const QUrl url(urlText, QUrl::StrictMode);
    if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty())
        return done(bad("INVALID_URL", QStringLiteral("Invalid URL: %1").arg(urlText)));
    if (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        return done(bad("INVALID_PROTOCOL", QStringLiteral("Only http and https URLs are allowed")));
    const QByteArray method = in.value(QStringLiteral("method")).toString(QStringLiteral("GET")).toUpper().toLatin1();
    static const QByteArrayList methods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    if (!methods.contains(method))
        return done(bad("INVALID_METHOD", QStringLiteral("Method not allowed: %1").arg(QString::fromLatin1(method))));

    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
    req.setMaximumRedirectsAllowed(5);
    static const QByteArrayList dropped{"host", "cookie", "set-cookie", "transfer-encoding", "connection", "upgrade", "content-length"};
    const QJsonObject headers = in.value(QStringLiteral("headers")).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it)
        if (it.value().isString() && !dropped.contains(it.key().toLower().toLatin1()))
            req.setRawHeader(it.key().toUtf8(), it.value().toString().toUtf8());
    const QByteArray body = method != "GET" && method != "HEAD" && in.value(QStringLiteral("body")).isString()
                                ? in.value(QStringLiteral("body")).toString().toUtf8()
                                : QByteArray();

    QPointer<QObject> ctx(context);
    auto finish = [ctx, done](Result<QJsonObject> r) {
        if (ctx)
            done(std::move(r));
    };
    const Limits limits = m_limits;
    const bool allowPrivate = m_allowPrivate;
    QNetworkAccessManager *network = &m_network;
    auto send = [network, req, method, body, limits, allowPrivate, finish]() {
        QNetworkReply *reply = network->sendCustomRequest(req, method, body);
        auto received = std::make_shared<QByteArray>();
        auto failure = std::make_shared<std::optional<ApiError>>();
        auto timer = new QTimer(reply);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, reply, [reply, failure, limits] {
            *failure = ApiError{ErrorKind::GatewayTimeout, QStringLiteral("TIMEOUT"),
                                QStringLiteral("Request timed out after %1s").arg(limits.timeoutMs / 1000)};
            reply->abort();
        });
        timer->start(limits.timeoutMs);
        QObject::connect(reply, &QNetworkReply::metaDataChanged, timer, [timer] { timer->stop(); }); // the limit is until the headers
        QObject::connect(reply, &QNetworkReply::redirected, reply, [network, reply, allowPrivate, failure](const QUrl &to) {
            if (to.scheme() != QLatin1String("http") && to.scheme() != QLatin1String("https")) {
                *failure = ApiError::forbidden(QStringLiteral("BLOCKED_HOST"), QStringLiteral("Redirect to a non-http(s) URL refused"));
                return reply->abort();
            }
            QPointer<QNetworkReply> guard(reply);
            netguard::checkHost(network, to.host(), allowPrivate, [guard, failure](const QString &why) {
                if (!guard)
                    return;
                if (why.isEmpty())
                    return Q_EMIT guard->redirectAllowed();
                *failure = ApiError::forbidden(QStringLiteral("BLOCKED_HOST"), QStringLiteral("Redirect refused: %1").arg(why));
                guard->abort();
            });
        });
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, received, failure, limits] {
            received->append(reply->readAll());
            if (received->size() > limits.maxBytes) {
                *failure = badGateway("RESPONSE_TOO_LARGE", QStringLiteral("Response too large: max %1 MB").arg(limits.maxBytes / (1024 * 1024)));
                reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, received, failure, finish] {
            reply->deleteLater();
            if (*failure)
                return finish(**failure);
            if (reply->isOpen())
                received->append(reply->readAll());
            const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            if (!status.isValid())
                return finish(badGateway("PROXY_ERROR", QStringLiteral("Request failed: %1").arg(reply->errorString())));
            QJsonObject headersOut;
            QByteArray contentType;
            for (const auto &pair : reply->rawHeaderPairs()) {
                const QByteArray name = pair.first.toLower();
                if (name == "set-cookie" || name == "transfer-encoding" || name == "connection")
                    continue;
                if (name == "content-type")
                    contentType = pair.second;
                headersOut.insert(QString::fromLatin1(name), QString::fromUtf8(pair.second));
            }
            const bool text = isTextual(contentType);
            finish(QJsonObject{{QStringLiteral("status"), status.toInt()},
                               {QStringLiteral("statusText"), QString::fromUtf8(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray())},
                               {QStringLiteral("headers"), headersOut},
                               {QStringLiteral("body"), text ? QString::fromUtf8(*received) : QString::fromLatin1(received->toBase64())},
                               {QStringLiteral("isBase64"), !text}});
        });
    };
    netguard::checkHost(&m_network, url.host(), m_allowPrivate, [send, finish](const QString &why) {
        if (!why.isEmpty())
            return finish(ApiError::forbidden(QStringLiteral("BLOCKED_HOST"), why));
        send();
    });
}

} // namespace kinbot
