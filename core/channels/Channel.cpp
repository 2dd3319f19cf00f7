#include "channels/Channel.h"

#include "util/Json.h"

#include <QJsonArray>

namespace kinbot {

QStringList ChannelRecord::allowedChatIds() const
{
    QStringList out;
    for (const QJsonValue &v : platformConfig.value(QStringLiteral("allowedChatIds")).toArray())
        out.append(v.isString() ? v.toString() : QString::number(qint64(v.toDouble())));
    return out;
}

QJsonObject ChannelUserMapping::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("channelId"), channelId},
            {QStringLiteral("platformUserId"), platformUserId},
            {QStringLiteral("platformUsername"), json::nonEmptyOrNull(platformUsername)},
            {QStringLiteral("platformDisplayName"), json::nonEmptyOrNull(platformDisplayName)},
            {QStringLiteral("createdAt"), createdAt}};
}

} // namespace kinbot
