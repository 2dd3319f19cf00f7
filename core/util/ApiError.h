#pragma once

#include <QString>

namespace kinbot {

// The kind of failure; the HTTP layer maps each kind to a status code in exactly one place (http/ErrorMapping.cpp).
enum class ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RequestTimeout,
    Conflict,
    Gone,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Internal,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    InsufficientStorage,
};

// A typed error: kind + wire code (UPPER_SNAKE) + human message.
struct ApiError
{
    ErrorKind kind = ErrorKind::Internal;
    QString code = QStringLiteral("INTERNAL_ERROR");
    QString message = QStringLiteral("Internal server error");

    static ApiError badRequest(const QString &code, const QString &message) { return {ErrorKind::BadRequest, code, message}; }
    static ApiError validation(const QString &message) { return {ErrorKind::BadRequest, QStringLiteral("VALIDATION_ERROR"), message}; }
    static ApiError unauthorized(const QString &message = QStringLiteral("Authentication required"))
    {
        return {ErrorKind::Unauthorized, QStringLiteral("UNAUTHORIZED"), message};
    }
    static ApiError forbidden(const QString &code, const QString &message) { return {ErrorKind::Forbidden, code, message}; }
    static ApiError notFound(const QString &code, const QString &message) { return {ErrorKind::NotFound, code, message}; }
    static ApiError conflict(const QString &code, const QString &message) { return {ErrorKind::Conflict, code, message}; }
    static ApiError gone(const QString &code, const QString &message) { return {ErrorKind::Gone, code, message}; }
    static ApiError tooLarge(const QString &message) { return {ErrorKind::PayloadTooLarge, QStringLiteral("PAYLOAD_TOO_LARGE"), message}; }
    static ApiError unprocessable(const QString &code, const QString &message) { return {ErrorKind::Unprocessable, code, message}; }
    static ApiError tooManyRequests(const QString &message) { return {ErrorKind::TooManyRequests, QStringLiteral("RATE_LIMITED"), message}; }
    static ApiError internal(const QString &message = QStringLiteral("Internal server error"))
    {
        return {ErrorKind::Internal, QStringLiteral("INTERNAL_ERROR"), message};
    }
    static ApiError unavailable(const QString &code, const QString &message) { return {ErrorKind::ServiceUnavailable, code, message}; }
};

} // namespace kinbot
