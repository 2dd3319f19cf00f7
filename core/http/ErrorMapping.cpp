#include "http/ErrorMapping.h"

namespace kinbot {

int httpStatusFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::BadRequest: return 400;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::MethodNotAllowed: return 405;
    case ErrorKind::RequestTimeout: return 408;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::Gone: return 410;
    case ErrorKind::PayloadTooLarge: return 413;
    case ErrorKind::UnsupportedMediaType: return 415;
    case ErrorKind::Unprocessable: return 422;
    case ErrorKind::TooManyRequests: return 429;
    case ErrorKind::Internal: return 500;
    case ErrorKind::BadGateway: return 502;
    case ErrorKind::ServiceUnavailable: return 503;
    case ErrorKind::GatewayTimeout: return 504;
    case ErrorKind::InsufficientStorage: return 507;
    }
    return 500;
}

Reply errorReply(const ApiError &error, ErrorStyle style)
{
    const QJsonObject inner{{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}};
    const int status = httpStatusFor(error.kind);
    if (style == ErrorStyle::Flat)
        return Reply::json(inner, status);
    return Reply::json(QJsonObject{{QStringLiteral("error"), inner}}, status);
}

} // namespace kinbot
