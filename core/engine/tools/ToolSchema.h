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

inline QJsonObject error(const QString &message)
{
    return {{QStringLiteral("error"), message}};
}

} // namespace kinbot::toolschema
