#pragma once

#include "channels/ChannelAdapter.h"
#include "channels/ChannelStore.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>

#include <functional>
#include <optional>

namespace kinbot {

class Clock;
class ContactService;
class Database;
class EventBus;
class KinService;
class Logger;
class MessageStore;
class NotificationService;
class VaultService;
struct QueueItem;

// Fields of POST /api/channels and PATCH /api/channels/:id; unset = not given.
struct ChannelDraft
{
    std::optional<QString> kinId;
    std::optional<QString> name;
    std::optional<QString> platform; // create only
    std::optional<QString> botToken; // create only
    std::optional<QString> signingSecret; // create only; Slack (required there)
    std::optional<QString> homeserverUrl; // create only; Matrix (required there, an http(s) URL; in platform_config)
    std::optional<std::optional<QStringList>> allowedChatIds; // set to nullopt inside = clear
    std::optional<bool> autoCreateContacts;
};

// How an approval makes the sender known: a new contact, or an existing one.
struct ChannelApproval
{
    QString action; // create | link
    QString name;   // create: the contact's name (default: the sender's display name)
    QString contactId; // link
};

// Channels (engine.md §9, rest.md §3.6): rows and their bot tokens (in the vault), the adapters' lifecycle, and the
// inbound pipeline: allowlist → sender identity through contact platform ids (unknown senders become pending
// mappings, announced and notified, and are told so; approval creates or links a contact) → /start welcome → the
// message queued for the Kin (messageType channel, priority 100, its id also its channelOriginId) → after the Kin's
// turn its reply goes back to the same chat, replying to the inbound message.
class ChannelService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxPerKin = 5;              // CHANNELS_MAX_PER_KIN
    static constexpr int kMaxName = 200;
    static constexpr int kMaxToken = 4096;
    static constexpr int kMaxAllowedChats = 500;
    static constexpr int kPriority = 100;
    static constexpr qint64 kOriginTtlMs = 300000;    // CHANNEL_PENDING_ORIGIN_TTL
    static constexpr qint64 kMaxWebhookBytes = 1024 * 1024;
    static constexpr qint64 kSlackWindowMs = 300 * 1000;

    using Enqueue = std::function<Result<QueueItem>(QueueItem)>;

    struct Deps
    {
        const Database &db;
        const Clock &clock;
        EventBus &bus;
        KinService &kins;
        ContactService &contacts;
        VaultService &vault;
        NotificationService &notifications;
        MessageStore &messages;
        Logger &logger;
        Enqueue enqueue;
    };

    explicit ChannelService(Deps deps, QObject *parent = nullptr);
    ~ChannelService() override;

    void addAdapter(std::unique_ptr<ChannelAdapter> adapter);
    ChannelAdapter *adapter(const QString &platform) const { return m_adapters.find(platform); }
    void setPublicUrl(const QString &url) { m_publicUrl = url; }
    // Boot: every channel left active starts again (a failure turns it to status error).
    void start();

    // VALIDATION_ERROR (missing fields, unknown platform), KIN_NOT_FOUND, CHANNEL_CREATE_ERROR (kMaxPerKin reached).
    Result<ChannelRecord> create(const ChannelDraft &draft, const QString &createdBy);
    Result<ChannelRecord> update(const QString &id, const ChannelDraft &patch);
    Status remove(const QString &id);
    Result<ChannelRecord> get(const QString &id) const;
    Result<QList<ChannelRecord>> list(const QString &kinId = {}) const;
    // Starts the adapter → the channel, status active or error (with the reason in statusMessage).
    void activate(const QString &id, std::function<void(Result<ChannelRecord>)> done);
    Result<ChannelRecord> deactivate(const QString &id);
    // The bot behind the channel's credentials. CHANNEL_NOT_FOUND is returned at once; otherwise done tells.
    Status test(const QString &id, std::function<void(Result<ChannelBotInfo>)> done);

    Result<QList<ChannelUserMapping>> pendingMappings(const QString &channelId) const;
    Result<int> pendingCount() const { return m_store.pendingCount(); }
    // → the contact id. CHANNEL_NOT_FOUND / MAPPING_NOT_FOUND (404), VALIDATION_ERROR, APPROVE_ERROR (400).
    Result<QString> approve(const QString &channelId, const QString &mappingId, const ChannelApproval &approval);

    // POST /api/channels/telegram/:channelId: CHANNEL_NOT_FOUND (404: unknown, or not a Telegram channel),
    // UNAUTHORIZED (401: no X-Telegram-Bot-Api-Secret-Token), FORBIDDEN (403: a wrong one), INVALID_JSON (400).
    // An update for an inactive channel is accepted and dropped.
    Status receiveTelegram(const QString &channelId, const QByteArray &secretToken, const QByteArray &body);
    // POST /api/channels/slack/webhook/:channelId → the answer's body ({challenge} for url_verification, else {ok:true}).
    // CHANNEL_NOT_FOUND (404: unknown, or not a Slack channel), UNAUTHORIZED (401: no signature or timestamp),
    // FORBIDDEN (403: a timestamp more than kSlackWindowMs away from the Clock, or a wrong signature), INVALID_JSON (400).
    Result<QJsonObject> receiveSlack(const QString &channelId, const QByteArray &timestamp, const QByteArray &signature, const QByteArray &body);
    // The inbound pipeline (engine.md §9.2), for every adapter.
    void handleIncoming(const QString &channelId, const IncomingChannelMessage &message);
    // Sends text to a chat of an active channel (the send_channel_message tool) → the platform's message id. Counted,
    // linked (messageId: the Kin's message it came from, may be empty) and announced like a reply.
    // CHANNEL_NOT_FOUND, CHANNEL_INACTIVE (409), VALIDATION_ERROR, or the platform's error.
    void sendMessage(const QString &channelId, const QString &chatId, const QString &text, const QString &messageId,
                     std::function<void(Result<QString>)> done);
    // A Kin's turn ended: the reply of a channel turn goes back to its chat.
    void onTurnFinished(const QString &kinId, const QString &sessionId, const QString &messageId);
    // The Kin is about to be deleted (its channels cascade): stops them, drops their tokens, announces channel:deleted.
    void forgetKin(const QString &kinId);

    // The channel object of rest.md §3.6. pending: pass it when known (lists), else it is counted.
    QJsonObject toJson(const ChannelRecord &c, std::optional<int> pending = std::nullopt) const;
    Result<QHash<QString, int>> pendingCounts() const { return m_store.pendingCounts(); }
    QJsonArray platformsJson() const;
    Result<QList<ChannelMessageLink>> links(const QString &channelId) const { return m_store.links(channelId); }
    // The secret Telegram must present on the channel's webhook (derived from the bot token and the channel id).
    static QString webhookSecretFor(const QString &botToken, const QString &channelId);

    static QString pendingText() { return QStringLiteral("Your access is pending approval. You will get a message here once it is approved."); }
    static QString approvedText() { return QStringLiteral("Your access has been approved! You can now send messages."); }

Q_SIGNALS:
    // What became of an inbound message (tests): dropped | pending | welcome | queued.
    void inboundHandled(const QString &channelId, const QString &outcome);
    // A reply reached the platform (tests).
    void replySent(const QString &channelId, const QString &platformMessageId);

private:
    struct Origin
    {
        QString channelId;
        QString chatId;
        QString platformMessageId;
        QString platformUserId;
        qint64 expiresAt = 0;
    };

    Result<ChannelConnection> connectionFor(const ChannelRecord &c) const;
    Result<QString> secretOf(const QString &vaultKey) const;
    Result<QString> storeSecret(const QString &key, const QString &value, const QString &description);
    void reply(const ChannelRecord &c, const QString &chatId, const QString &replyTo, const QString &text);
    // Sends a Kin's words (a reply or a proactive message): on success an outbound link, messagesSent + 1,
    // channel:message-sent and replySent.
    void deliver(const ChannelRecord &c, const OutgoingChannelMessage &m, const QString &messageId, std::function<void(Result<QString>)> done);
    void setStatus(const ChannelRecord &c, const QString &status, const QString &message);
    void dropSecret(const ChannelRecord &c);
    void announce(const QString &type, const ChannelRecord &c, const QJsonObject &extra = {});
    void pruneOrigins();

    Deps m_d;
    ChannelStore m_store;
    ChannelAdapterRegistry m_adapters;
    QString m_publicUrl;
    QHash<QString, Origin> m_origins; // channelOriginId → where the reply goes (one-shot)
};

} // namespace kinbot
