#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace kinbot {

// One row of mini_apps (miniapps.md §1.1).
struct MiniApp
{
    QString id;
    QString kinId;
    QString name;
    QString slug;
    std::optional<QString> description;
    std::optional<QString> icon;
    std::optional<QString> iconUrl;
    QString entryFile = QStringLiteral("index.html");
    bool hasBackend = false;
    bool isActive = true;
    int version = 1;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    // MiniAppSummary: {id, kinId, kinName, kinAvatarUrl|null, name, slug, description|null, icon|null, iconUrl|null,
    // entryFile, hasBackend, isActive, version, createdAt, updatedAt} with ms timestamps.
    QJsonObject toJson(const QString &kinName, const QString &kinAvatarUrl) const;
};

// The fields a PATCH may change; unset = unchanged. description/icon/iconUrl may be set to null (cleared).
struct MiniAppChange
{
    std::optional<QString> name;
    std::optional<std::optional<QString>> description;
    std::optional<std::optional<QString>> icon;
    std::optional<std::optional<QString>> iconUrl;
    std::optional<QString> entryFile;
    std::optional<bool> isActive;
};

} // namespace kinbot
