#include "channels/Channel.h"

#include <QJsonArray>

namespace kinbot {

QStringList ChannelRecord::allowedChatIds() const
{
    QStringList out;
    for (const QJsonValue &v : platformConfig.value(QStringLiteral("allowedChatIds")).toArray())
        out.append(v.isString() ? v.toString() : QString::number(qint64(v.toDouble())));
    return out;
}

static QJsonValue strOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonObject ChannelUserMapping::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("channelId"), channelId},
            {QStringLiteral("platformUserId"), platformUserId},
            {QStringLiteral("platformUsername"), strOrNull(platformUsername)},
            {QStringLiteral("platformDisplayName"), strOrNull(platformDisplayName)},
            {QStringLiteral("createdAt"), createdAt}};
}

} // namespace kinbot
