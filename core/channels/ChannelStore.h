#pragma once

#include "channels/Channel.h"
#include "util/Result.h"

#include <QHash>
#include <QList>

#include <optional>

namespace kinbot {

class Database;

// The rows of channels, channel_user_mappings and channel_message_links; no policy here.
class ChannelStore final
{
public:
    explicit ChannelStore(const Database &db) : m_db(db) {}

    Status insert(const ChannelRecord &c);
    // Writes kin_id, name, platform_config, auto_create_contacts, updated_at.
    Status update(const ChannelRecord &c);
    Status setStatus(const QString &id, const QString &status, const QString &message, qint64 at);
    // messages_received / messages_sent + 1, last_activity_at = at.
    Status countReceived(const QString &id, qint64 at);
    Status countSent(const QString &id, qint64 at);
    Result<bool> remove(const QString &id);
    Result<std::optional<ChannelRecord>> find(const QString &id) const;
    // All, or those of one Kin; oldest first.
    Result<QList<ChannelRecord>> list(const QString &kinId = {}) const;
    Result<QList<ChannelRecord>> listActive() const;
    Result<int> countForKin(const QString &kinId) const;

    Status insertMapping(const ChannelUserMapping &m);
    Result<std::optional<ChannelUserMapping>> findMapping(const QString &channelId, const QString &platformUserId) const;
    Result<std::optional<ChannelUserMapping>> mappingById(const QString &id) const;
    Result<QList<ChannelUserMapping>> pendingMappings(const QString &channelId) const;
    // Pending mappings of every channel: count, and per channel.
    Result<int> pendingCount() const;
    Result<QHash<QString, int>> pendingCounts() const;
    // Removes the pending mappings of this sender on every channel of the platform → their ids.
    Result<QStringList> removePendingOf(const QString &platform, const QString &platformUserId);

    Status addLink(const ChannelMessageLink &link, qint64 at);
    Result<QList<ChannelMessageLink>> links(const QString &channelId) const;
    // The chats of a channel, most recently active first.
    Result<QList<ChannelConversation>> conversations(const QString &channelId, int limit) const;

private:
    const Database &m_db;
};

} // namespace kinbot
