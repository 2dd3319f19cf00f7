#include "contacts/Contact.h"

#include "util/Json.h"

#include <QJsonArray>

namespace kinbot {

QJsonObject ContactIdentifier::toJson() const
{
    return {{QStringLiteral("id"), id}, {QStringLiteral("label"), label}, {QStringLiteral("value"), value}};
}

QJsonObject ContactPlatformId::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("contactId"), contactId},
            {QStringLiteral("platform"), platform},
            {QStringLiteral("platformId"), platformId},
            {QStringLiteral("createdAt"), createdAt}};
}

QJsonObject ContactNote::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("scope"), scope},
            {QStringLiteral("content"), content},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(updatedAt)}};
}

QJsonObject Contact::toJson() const
{
    QJsonArray ids, pids, ns;
    for (const ContactIdentifier &i : identifiers)
        ids.append(i.toJson());
    for (const ContactPlatformId &p : platformIds)
        pids.append(p.toJson());
    for (const ContactNote &n : notes)
        ns.append(n.toJson());
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("type"), type},
            {QStringLiteral("linkedUserId"), json::nonEmptyOrNull(linkedUserId)},
            {QStringLiteral("linkedKinId"), json::nonEmptyOrNull(linkedKinId)},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(updatedAt)},
            {QStringLiteral("linkedUserName"), json::nonEmptyOrNull(linkedUserName)},
            {QStringLiteral("identifiers"), ids},
            {QStringLiteral("platformIds"), pids},
            {QStringLiteral("notes"), ns}};
}

} // namespace kinbot
