#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace kinbot {

// A row of channels (engine.md §9.1). platformConfig holds vault key names and allowlists, never a secret.
struct ChannelRecord
{
    QString id;
    QString kinId;
    QString name;
    QString platform;
    QJsonObject platformConfig;
    QString status = QStringLiteral("inactive"); // active | inactive | error
    QString statusMessage;
    bool autoCreateContacts = false;
    int messagesReceived = 0;
    int messagesSent = 0;
    qint64 lastActivityAt = 0;
    QString createdBy = QStringLiteral("user");
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool active() const { return status == QLatin1String("active"); }
    QString botTokenVaultKey() const { return platformConfig.value(QStringLiteral("botTokenVaultKey")).toString(); }
    // Empty = every chat is allowed.
    QStringList allowedChatIds() const;
};

// A sender waiting for approval.
struct ChannelUserMapping
{
    QString id;
    QString channelId;
    QString platformUserId;
    QString platformUsername;
    QString platformDisplayName;
    QString contactId;
    QString status = QStringLiteral("pending");
    qint64 createdAt = 0;

    QJsonObject toJson() const; // {id, channelId, platformUserId, platformUsername, platformDisplayName, createdAt(ms)}
};

struct ChannelMessageLink
{
    QString channelId;
    QString messageId;
    QString platformMessageId;
    QString platformChatId;
    QString direction; // inbound | outbound
};

// One chat a channel has talked with (the list_channel_conversations tool), from the message links.
struct ChannelConversation
{
    QString chatId;
    int received = 0;
    int sent = 0;
    qint64 lastActivityAt = 0;
    QString lastInboundId; // the queue item / channel origin id of its newest inbound message ("" = none)
};

} // namespace kinbot
