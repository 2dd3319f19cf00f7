#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QVariant>

namespace kinbot::json {

inline QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
inline QByteArray compact(const QJsonArray &a) { return QJsonDocument(a).toJson(QJsonDocument::Compact); }
// Any value as compact JSON text, scalars too ("x" → "\"x\"", undefined → null).
inline QByteArray valueText(const QJsonValue &v)
{
    const QByteArray wrapped = compact(QJsonArray{v});
    return wrapped.mid(1, wrapped.size() - 2);
}
// Any value as text: a string as it is, everything else as compact JSON (undefined prints as null).
inline QString text(const QJsonValue &v)
{
    return v.isString() ? v.toString() : QString::fromUtf8(valueText(v));
}

// ISO-8601 with milliseconds and 'Z', as JavaScript's Date.toJSON() prints it.
inline QString isoMs(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs); }
inline QJsonValue isoOrNull(const QVariant &ms) { return ms.isNull() ? QJsonValue() : QJsonValue(isoMs(ms.toLongLong())); }
inline QJsonValue msOrNull(const QVariant &ms) { return ms.isNull() ? QJsonValue() : QJsonValue(ms.toLongLong()); }
inline QJsonValue strOrNull(const QVariant &v) { return v.isNull() ? QJsonValue() : QJsonValue(v.toString()); }
// For fields kept as "" / 0 when unset: null on the wire then.
inline QJsonValue nonEmptyOrNull(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }
inline QJsonValue nonZeroOrNull(qint64 ms) { return ms == 0 ? QJsonValue() : QJsonValue(ms); }

} // namespace kinbot::json
