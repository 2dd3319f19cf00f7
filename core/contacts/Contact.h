#pragma once

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace kinbot {

// One {label, value} way to reach or recognise a contact.
struct ContactIdentifier
{
    QString id;
    QString contactId;
    QString label;
    QString value;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QJsonObject toJson() const; // {id, label, value}
};

// A channel sender id; (platform, platformId) belongs to one contact only.
struct ContactPlatformId
{
    QString id;
    QString contactId;
    QString platform;
    QString platformId;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QJsonObject toJson() const; // {id, contactId, platform, platformId, createdAt(ms)}
};

// A Kin's note about a contact: scope "private" (only that Kin sees it) or "global".
struct ContactNote
{
    QString id;
    QString contactId;
    QString kinId;
    QString scope;
    QString content;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QJsonObject toJson() const; // {id, kinId, scope, content, createdAt ISO, updatedAt ISO}
};

struct Contact
{
    QString id;
    QString name;
    QString type; // "human" | "kin"
    QString linkedUserId;
    QString linkedKinId;
    QString linkedUserName; // the linked user's display name (read-only, joined)
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QList<ContactIdentifier> identifiers;
    QList<ContactPlatformId> platformIds;
    QList<ContactNote> notes;

    static bool isType(const QString &t) { return t == QLatin1String("human") || t == QLatin1String("kin"); }
    static bool isNoteScope(const QString &s) { return s == QLatin1String("private") || s == QLatin1String("global"); }

    // The REST contact object (rest.md §3.11): dates ISO, platform ids' createdAt in ms.
    QJsonObject toJson() const;
};

// The fields of a create; identifiers are {label, value} pairs.
struct ContactDraft
{
    QString name;
    QString type;
    QString linkedUserId;
    QString linkedKinId;
    QList<QPair<QString, QString>> identifiers;
};

// The fields of an update: unset = unchanged; a link set to "" is cleared.
struct ContactPatch
{
    std::optional<QString> name;
    std::optional<QString> type;
    std::optional<QString> linkedUserId;
    std::optional<QString> linkedKinId;
};

} // namespace kinbot
