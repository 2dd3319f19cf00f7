#include "mcp/McpServer.h"

#include <QJsonArray>

namespace kinbot {

namespace {

QJsonValue blanked(const QMap<QString, QString> &map)
{
    if (map.isEmpty())
        return QJsonValue();
    QJsonObject out;
    for (auto it = map.begin(); it != map.end(); ++it)
        out.insert(it.key(), QString());
    return out;
}

} // namespace

QJsonObject McpServerRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("transport"), transport},
            {QStringLiteral("command"), command},
            {QStringLiteral("args"), QJsonArray::fromStringList(args)},
            {QStringLiteral("url"), url.isEmpty() ? QJsonValue() : QJsonValue(url)},
            {QStringLiteral("env"), blanked(env)},
            {QStringLiteral("hasEnv"), !env.isEmpty()},
            {QStringLiteral("headers"), blanked(headers)},
            {QStringLiteral("hasHeaders"), !headers.isEmpty()},
            {QStringLiteral("status"), status},
            {QStringLiteral("createdByKinId"), createdByKinId.isEmpty() ? QJsonValue() : QJsonValue(createdByKinId)},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("updatedAt"), updatedAt}};
}

} // namespace kinbot
