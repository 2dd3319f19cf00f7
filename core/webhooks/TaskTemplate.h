#pragma once

#include <QByteArray>
#include <QString>

namespace kinbot::payload {

// A task-mode webhook's title or prompt template, filled from the payload (engine.md §8.3): {{__payload__}} is the
// raw body; {{a.b}} the value at that dot path of the JSON body (strings as they are, objects and arrays as compact
// JSON, null or missing → ""; with a body that is not JSON every path is missing). Spaces inside the braces are
// allowed ({{ a.b }}); anything else is copied as it is.
QString renderTemplate(const QString &tpl, const QByteArray &body);

// What a task-mode delivery spawns: title = the title template rendered, or "Webhook: <name>"; description = the
// prompt template rendered, or the raw payload. An empty template counts as none.
QString taskTitle(const QString &titleTemplate, const QString &webhookName, const QByteArray &body);
QString taskDescription(const QString &promptTemplate, const QByteArray &body);

} // namespace kinbot::payload
