#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot::payload {

// Reading a webhook's JSON payload by dot paths ("pull_request.user.login", "commits.0.id"), as the reference does
// with JavaScript property access: each segment is an object key, or an index into an array.

// The value at the path; nullopt when some segment is missing (JavaScript's undefined). An empty path is missing.
std::optional<QJsonValue> valueAt(const QJsonValue &root, const QString &dotPath);

// JavaScript's String(value): strings as they are, numbers in their shortest form (42, 1.5), true/false, null,
// arrays as their items joined by ',', objects as "[object Object]".
QString jsString(const QJsonValue &value);

// A template's view of a value: strings as they are, objects and arrays as compact JSON, null as "".
QString templateString(const QJsonValue &value);

// The dot paths of a payload's keys, for a filter or a template to pick from: every object key, depth first, down to
// kMaxDepth levels, at most kMaxFields; arrays are listed but not descended. Keys come in alphabetical order within
// an object (the reference keeps the payload's order).
inline constexpr int kMaxDepth = 5;
inline constexpr int kMaxFields = 100;
QStringList fieldPaths(const QJsonValue &root);

// The body parsed as JSON (an object or an array), or nullopt when it is not JSON.
std::optional<QJsonValue> parseJson(const QByteArray &body);

} // namespace kinbot::payload
