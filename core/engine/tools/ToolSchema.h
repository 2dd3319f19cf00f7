#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

// Small builders shared by the native tools: JSON Schemas of their arguments and their error results.
namespace kinbot::toolschema {

inline QJsonObject object(const QJsonObject &properties, const QStringList &required)
{
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"), properties},
            {QStringLiteral("required"), QJsonArray::fromStringList(required)}};
}

inline QJsonObject prop(const QString &type, const QString &description)
{
    return {{QStringLiteral("type"), type}, {QStringLiteral("description"), description}};
}

// An argument that is a list of ids: strings (numbers too, as models send chat ids both ways), trimmed, empty ones dropped.
inline QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray()) {
        const QString s = v.isDouble() ? QString::number(qint64(v.toDouble())) : v.toString().trimmed();
        if (!s.isEmpty())
            out << s;
    }
    return out;
}

inline QJsonObject error(const QString &message)
{
    return {{QStringLiteral("error"), message}};
}

} // namespace kinbot::toolschema
