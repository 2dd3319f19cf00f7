#pragma once

#include "util/Result.h"
#include "webhooks/Webhook.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QString>

#include <optional>

namespace kinbot::payload {

inline constexpr int kMaxExpressionLength = 500;

// What a filter made of one payload (POST /:id/test-filter answers it as {passed, extractedValue?, error?}).
struct FilterOutcome
{
    bool passed = true;
    std::optional<QString> extractedValue; // simple mode: the value at the field, as JavaScript's String() makes it
    QString error;                         // why it could not be applied ("non-json", a bad expression…)
};

// An advanced filter's expression as a QRegularExpression (PCRE2). The reference builds a JavaScript RegExp from it
// (no flags); the few JavaScript-only escapes are translated first: \uXXXX and \u{X…} (→ \x{…}) and the "any
// character" class [^] (→ [\s\S]). Other differences (PCRE2's $ also matches before a final newline; JavaScript's
// \cX, octal and legacy escapes) are not translated. Invalid → the error, which names the problem.
Result<QRegularExpression> compileExpression(const QString &expression);

// The settings can be saved: simple needs a field and its allowed values (strings); advanced needs an expression of at
// most kMaxExpressionLength characters that compiles (the reference saves anything and lets an invalid expression
// pass every payload). VALIDATION_ERROR otherwise.
Status validate(const WebhookFilter &filter);

// Applies the filter to a raw body (engine.md §8.3):
// - none: passes;
// - simple: the body must be JSON (else refused, error "non-json"); the value at the field, as a string, must equal
//   one of the allowed values ignoring case; an empty list refuses everything; a missing field refuses;
// - advanced: the expression must match somewhere in the raw body. An expression that cannot be compiled refuses
//   (with its error) — fail closed, where the reference lets the payload through.
FilterOutcome evaluate(const WebhookFilter &filter, const QByteArray &body);

} // namespace kinbot::payload
