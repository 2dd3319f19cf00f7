#include "llm/LlmErrors.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kinbot::llm {

QString providerErrorText(const QByteArray &body)
{
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed);
    // Some gateways wrap the error in a one-element array (Gemini on some paths).
    const QJsonObject o = doc.isArray() ? doc.array().first().toObject() : doc.object();
    if (!o.isEmpty()) {
        const QJsonValue err = o.value(QStringLiteral("error"));
        if (err.isObject()) {
            const QString msg = err.toObject().value(QStringLiteral("message")).toString();
            if (!msg.isEmpty())
                return msg;
        } else if (err.isString() && !err.toString().isEmpty()) {
            return err.toString();
        }
        for (const QString &key : {QStringLiteral("message"), QStringLiteral("detail")})
            if (o.value(key).isString() && !o.value(key).toString().isEmpty())
                return o.value(key).toString();
    }
    // Not JSON (an HTML error page from a proxy, plain text): keep it short.
    return QString::fromUtf8(trimmed.left(300)).simplified();
}

bool looksLikeContextOverflow(const QString &text)
{
    static const char *const patterns[] = {
        "context_length_exceeded", "maximum context length", "context length", "context window",
        "prompt is too long",      "input is too long",      "too many tokens", "exceeds the maximum number of tokens",
        "reduce the length",       "string_above_max_length", "request too large for model",
    };
    const QString lower = text.toLower();
    for (const char *p : patterns)
        if (lower.contains(QLatin1String(p)))
            return true;
    return false;
}

LlmError errorFromHttp(int status, const QByteArray &body)
{
    LlmError e;
    e.httpStatus = status;
    const QString text = providerErrorText(body);
    e.message = text.isEmpty() ? QStringLiteral("HTTP %1 from the provider").arg(status)
                               : QStringLiteral("%1 (HTTP %2)").arg(text).arg(status);
    // Gemini answers a bad key with 400 INVALID_ARGUMENT.
    const bool badKey = text.contains(QLatin1String("API key not valid")) || body.contains("API_KEY_INVALID");
    if (status == 401 || status == 403 || badKey)
        e.kind = LlmError::Kind::Auth;
    else if (status == 429)
        e.kind = LlmError::Kind::RateLimited;
    else if (status >= 500)
        e.kind = LlmError::Kind::Server;
    else if (looksLikeContextOverflow(text) || looksLikeContextOverflow(QString::fromUtf8(body.left(4096))))
        e.kind = LlmError::Kind::ContextTooLong;
    else
        e.kind = LlmError::Kind::BadRequest;
    return e;
}

LlmError errorFromNetwork(QNetworkReply::NetworkError code, const QString &errorString)
{
    LlmError e;
    e.kind = code == QNetworkReply::TimeoutError ? LlmError::Kind::Timeout : LlmError::Kind::Network;
    e.message = QStringLiteral("Cannot reach the provider: %1").arg(errorString);
    return e;
}

bool isRetryable(const LlmError &error)
{
    switch (error.kind) {
    case LlmError::Kind::Network:
    case LlmError::Kind::RateLimited:
    case LlmError::Kind::Server:
        return true;
    default:
        return false;
    }
}

int retryAfterMs(const QNetworkReply &reply)
{
    bool ok = false;
    const QByteArray ms = reply.rawHeader("retry-after-ms").trimmed();
    if (!ms.isEmpty()) {
        const double v = ms.toDouble(&ok);
        if (ok && v >= 0)
            return int(v);
    }
    const QByteArray ra = reply.rawHeader("retry-after").trimmed();
    if (ra.isEmpty())
        return -1;
    const double secs = ra.toDouble(&ok);
    if (ok)
        return secs < 0 ? -1 : int(secs * 1000);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(ra), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    return int(qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when)));
}

ApiError toApiError(const LlmError &error)
{
    switch (error.kind) {
    case LlmError::Kind::Auth:
        return {ErrorKind::BadGateway, QStringLiteral("PROVIDER_AUTH_FAILED"), error.message};
    case LlmError::Kind::Timeout:
        return {ErrorKind::GatewayTimeout, QStringLiteral("PROVIDER_TIMEOUT"), error.message};
    case LlmError::Kind::Network:
        return {ErrorKind::BadGateway, QStringLiteral("PROVIDER_UNREACHABLE"), error.message};
    case LlmError::Kind::RateLimited:
        return {ErrorKind::BadGateway, QStringLiteral("PROVIDER_RATE_LIMITED"), error.message};
    case LlmError::Kind::Protocol:
        return {ErrorKind::BadGateway, QStringLiteral("PROVIDER_BAD_RESPONSE"), error.message};
    case LlmError::Kind::Cancelled:
        return {ErrorKind::ServiceUnavailable, QStringLiteral("CANCELLED"), error.message};
    default:
        return {ErrorKind::BadGateway, QStringLiteral("PROVIDER_ERROR"), error.message};
    }
}

QString kindName(LlmError::Kind kind)
{
    switch (kind) {
    case LlmError::Kind::Network: return QStringLiteral("Network");
    case LlmError::Kind::Timeout: return QStringLiteral("Timeout");
    case LlmError::Kind::RateLimited: return QStringLiteral("RateLimited");
    case LlmError::Kind::Auth: return QStringLiteral("Auth");
    case LlmError::Kind::BadRequest: return QStringLiteral("BadRequest");
    case LlmError::Kind::ContextTooLong: return QStringLiteral("ContextTooLong");
    case LlmError::Kind::Server: return QStringLiteral("Server");
    case LlmError::Kind::Protocol: return QStringLiteral("Protocol");
    case LlmError::Kind::Cancelled: return QStringLiteral("Cancelled");
    }
    return QStringLiteral("Unknown");
}

} // namespace kinbot::llm
