#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot {

// One MCP server configuration (rest.md §3.12), secrets in clear (only in memory: the store seals env and headers).
struct McpServerRecord
{
    QString id;
    QString name;
    QString transport = QStringLiteral("stdio"); // stdio | http
    QString command;
    QStringList args;
    QString url;
    QMap<QString, QString> env;
    QMap<QString, QString> headers;
    QString status = QStringLiteral("active"); // active | pending_approval
    QString createdByKinId;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool isActive() const { return status == QLatin1String("active"); }
    bool isHttp() const { return transport == QLatin1String("http"); }
    // The wire object: env and header values blanked ({KEY: ""}, null when none), hasEnv/hasHeaders; ms times.
    QJsonObject toJson() const;
};

// PATCH: absent fields stay. env/headers replace the key set; an empty value keeps the stored one; an empty map clears.
struct McpServerPatch
{
    std::optional<QString> name, transport, command, url, status;
    std::optional<QStringList> args;
    std::optional<QMap<QString, QString>> env, headers;
};

} // namespace kinbot
