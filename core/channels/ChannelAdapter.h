#pragma once

#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace kinbot {

// What an adapter needs to talk to its platform for one channel: the secrets read from the vault, the channel's
// platform_config, and where this server can be reached (webhook platforms).
struct ChannelConnection
{
    QString channelId;
    QString botToken;
    QJsonObject platformConfig;
    QString publicUrl;     // the server's public URL (ServerConfig::effectivePublicUrl)
    QString webhookSecret; // the secret the platform must present on our public webhook route
    // Every other secret of the channel, by its platform_config key without "VaultKey" (e.g. "apiUrl" for Signal's
    // apiUrlVaultKey, "appSecret" for WhatsApp's appSecretVaultKey).
    QHash<QString, QString> secrets;
};

// A file that came with a platform message; fetched with ChannelAdapter::download.
struct IncomingAttachment
{
    QString platformFileId;
    QString mimeType;  // "" = unknown (sniffed when stored)
    QString fileName;  // "" = none given
    qint64 fileSize = 0; // 0 = unknown
    QString url;       // where the platform serves it, when the message says (Slack)
};

// A file sent with a Kin's answer (staged by the attach_file tool).
struct OutgoingAttachment
{
    QString path; // absolute
    QString mimeType;
    QString fileName;
};

// A message from the platform (engine.md §9.1).
struct IncomingChannelMessage
{
    QString platformUserId;
    QString platformUsername;
    QString platformDisplayName;
    QString platformMessageId;
    QString platformChatId;
    QString content;
    QList<IncomingAttachment> attachments = {};
};

struct OutgoingChannelMessage
{
    QString chatId;
    QString content;
    QString replyToMessageId; // empty: not a reply
    QList<OutgoingAttachment> attachments = {};
};

struct ChannelBotInfo
{
    QString name;
    QString username;
};

struct ChannelPlatformMeta
{
    QString displayName;
    QString brandColor;
};

// One messaging platform. Asynchronous: nothing blocks the main loop; every callback runs on the main thread.
// Incoming messages (polling adapters, or a webhook route handing over a parsed update) go to the sink.
class ChannelAdapter
{
public:
    using Sink = std::function<void(const QString &channelId, const IncomingChannelMessage &message)>;

    virtual ~ChannelAdapter() = default;
    virtual QString platform() const = 0;
    virtual ChannelPlatformMeta meta() const = 0;
    void setSink(Sink sink) { m_sink = std::move(sink); }

    // Connects the channel (registers the webhook, or starts polling) → done(ok | the reason it failed).
    virtual void start(const ChannelConnection &c, std::function<void(Status)> done) = 0;
    virtual void stop(const QString &channelId) = 0;
    // The channel is deactivated or deleted (not a server shutdown): stop, and undo what start registered on the
    // platform (Telegram's webhook). Fire and forget.
    virtual void release(const ChannelConnection &c) { stop(c.channelId); }
    // → the platform's id of the (first) message sent.
    virtual void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) = 0;
    // The bot behind the credentials; an error when they are not valid (validateConfig + getBotInfo of the reference).
    virtual void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) = 0;
    virtual void typing(const ChannelConnection &c, const QString &chatId) { Q_UNUSED(c) Q_UNUSED(chatId) }
    // The bytes of a file that came with a message (at most maxBytes; more is an error).
    virtual void download(const ChannelConnection &c, const IncomingAttachment &a, qint64 maxBytes, std::function<void(Result<QByteArray>)> done)
    {
        Q_UNUSED(c) Q_UNUSED(a) Q_UNUSED(maxBytes)
        done(ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("Files from %1 cannot be downloaded yet").arg(platform())));
    }
    // Whether send() delivers OutgoingChannelMessage::attachments (otherwise they are named in the text).
    virtual bool sendsFiles() const { return false; }

protected:
    void deliver(const QString &channelId, const IncomingChannelMessage &m) const
    {
        if (m_sink)
            m_sink(channelId, m);
    }

private:
    Sink m_sink;
};

// The adapters by platform name. Owns them.
class ChannelAdapterRegistry final
{
public:
    void add(std::unique_ptr<ChannelAdapter> adapter)
    {
        const QString name = adapter->platform();
        m_adapters[name] = std::shared_ptr<ChannelAdapter>(std::move(adapter));
    }
    ChannelAdapter *find(const QString &platform) const
    {
        auto it = m_adapters.find(platform);
        return it == m_adapters.end() ? nullptr : it->get();
    }
    QStringList platforms() const
    {
        QStringList out = m_adapters.keys();
        out.sort();
        return out;
    }

private:
    QHash<QString, std::shared_ptr<ChannelAdapter>> m_adapters;
};

} // namespace kinbot
