#pragma once

#include "http/Reply.h"
#include "util/ApiError.h"

namespace kinbot {

// How an error body looks: KinBot's envelope {"error":{"code","message"}} or Better Auth's flat {"code","message"}
// (the /api/auth/* routes, so the reference web client keeps reading body.message).
enum class ErrorStyle { Envelope, Flat };

// The single place where a typed error becomes an HTTP status and body.
int httpStatusFor(ErrorKind kind);
Reply errorReply(const ApiError &error, ErrorStyle style = ErrorStyle::Envelope);

} // namespace kinbot
