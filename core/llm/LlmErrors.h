#pragma once

#include "llm/LlmTypes.h"
#include "util/ApiError.h"

#include <QByteArray>
#include <QNetworkReply>

// Mapping of provider failures (HTTP status + body, network errors, in-stream error events) into LlmError.
namespace kinbot::llm {

// The provider's own error text from an error body: error.message (OpenAI, Anthropic, Gemini), error as a string
// (Ollama), message / detail (others); else the start of the raw body. Empty when the body is empty.
QString providerErrorText(const QByteArray &body);

// True when a provider message says the prompt does not fit the model's context window.
bool looksLikeContextOverflow(const QString &text);

// An HTTP error response → LlmError (401/403 Auth, 429 RateLimited, other 4xx BadRequest or ContextTooLong, 5xx Server).
LlmError errorFromHttp(int status, const QByteArray &body);

// A transport failure with no HTTP response (refused, reset, DNS, TLS) → Network.
LlmError errorFromNetwork(QNetworkReply::NetworkError code, const QString &errorString);

// Whether a failure of this kind may be retried (before anything was delivered).
bool isRetryable(const LlmError &error);

// Delay requested by Retry-After (seconds or HTTP date) or retry-after-ms; -1 when absent or unparsable.
int retryAfterMs(const QNetworkReply &reply);

// An LlmError as the ApiError the service layer returns (listModels, connection tests). Never Unauthorized: a bad
// provider key must not look like a bad KinBot session.
ApiError toApiError(const LlmError &error);

// "Auth", "Timeout", … for logs and test messages.
QString kindName(LlmError::Kind kind);

} // namespace kinbot::llm
