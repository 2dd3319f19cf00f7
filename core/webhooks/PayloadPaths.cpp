#include "webhooks/PayloadPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace kinbot::payload {

std::optional<QJsonValue> valueAt(const QJsonValue &root, const QString &dotPath)
{
    if (dotPath.isEmpty())
        return std::nullopt;
    QJsonValue v = root;
    for (const QString &key : dotPath.split(QLatin1Char('.'))) {
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            const auto it = o.constFind(key);
            if (it == o.constEnd())
                return std::nullopt;
            v = it.value();
        } else if (v.isArray()) {
            bool ok = false;
            const int i = key.toInt(&ok);
            const QJsonArray a = v.toArray();
            if (!ok || i < 0 || i >= a.size() || QString::number(i) != key)
                return std::nullopt;
            v = a.at(i);
        } else {
            return std::nullopt;
        }
    }
    return v;
}

static QString numberString(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (d == std::floor(d) && std::fabs(d) < 9e15)
        return QString::number(qint64(d));
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

QString jsString(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString();
    case QJsonValue::Double: return numberString(value.toDouble());
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Object: return QStringLiteral("[object Object]");
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &item : value.toArray())
            parts.append(item.isNull() || item.isUndefined() ? QString() : jsString(item));
        return parts.join(QLatin1Char(','));
    }
    case QJsonValue::Undefined: break;
    }
    return {};
}

QString templateString(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isNull() || value.isUndefined())
        return {};
    return jsString(value);
}

static void collect(const QJsonObject &o, const QString &prefix, int depth, QStringList &out)
{
    for (auto it = o.constBegin(); it != o.constEnd() && out.size() < kMaxFields; ++it) {
        const QString path = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        out.append(path);
        if (it.value().isObject() && depth < kMaxDepth)
            collect(it.value().toObject(), path, depth + 1, out);
    }
}

QStringList fieldPaths(const QJsonValue &root)
{
    QStringList out;
    if (root.isObject())
        collect(root.toObject(), {}, 1, out);
    return out;
}

std::optional<QJsonValue> parseJson(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;
    if (doc.isObject())
        return QJsonValue(doc.object());
    if (doc.isArray())
        return QJsonValue(doc.array());
    return std::nullopt;
}

} // namespace kinbot::payload
