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
class UploadStore;
class VaultService;
struct QueueItem;
struct TurnContextPart;
struct TurnContextRequest;

// Fields of POST /api/channels and PATCH /api/channels/:id; unset = not given.
struct ChannelDraft
{
    std::optional<QString> kinId;
    std::optional<QString> name;
    std::optional<QString> platform; // create only
    std::optional<QString> botToken; // create only
    std::optional<QString> signingSecret; // create only; Slack (required there)
    std::optional<QString> phoneNumberId; // create only; WhatsApp (required there): the Cloud API's phone number id
    std::optional<QString> verifyToken;   // create only; WhatsApp (required there): the webhook verification token
    std::optional<QString> appSecret;     // create only; WhatsApp (required there): signs the webhook deliveries
    std::optional<QString> apiUrl;        // create only; Signal (required there): the signal-cli-rest-api bridge (vault)
    std::optional<QString> phoneNumber;   // create only; Signal (required there): the bridge's number, E.164
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
    static constexpr int kMaxAttachments = 10;                    // per message, each way
    static constexpr qint64 kMaxAttachmentBytes = 20LL * 1024 * 1024; // Telegram's bot download limit

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
        UploadStore &uploads; // files that come with channel messages
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
    // GET /api/channels/whatsapp/webhook/:channelId (Meta's verification) → the challenge to echo. CHANNEL_NOT_FOUND
    // (404: unknown, or not a WhatsApp channel), VALIDATION_ERROR (400: hub.mode, hub.verify_token or hub.challenge
    // missing, or a mode other than subscribe), FORBIDDEN (403: a verify token that is not the channel's).
    Result<QString> verifyWhatsApp(const QString &channelId, const QString &mode, const QString &verifyToken, const QString &challenge);
    // POST /api/channels/whatsapp/webhook/:channelId: CHANNEL_NOT_FOUND (404), UNAUTHORIZED (401: no X-Hub-Signature-256),
    // FORBIDDEN (403: not sha256=<hex HMAC-SHA256 of the raw body with the app secret>), INVALID_JSON (400). Every text
    // message of the delivery goes to the pipeline (dropped there when the channel is inactive).
    Status receiveWhatsApp(const QString &channelId, const QByteArray &signature, const QByteArray &body);
    // POST /api/channels/signal/webhook/:channelId?secret=… (or X-Signal-Secret): CHANNEL_NOT_FOUND (404),
    // UNAUTHORIZED (401: no secret), FORBIDDEN (403: not the channel's webhook secret), INVALID_JSON (400).
    Status receiveSignal(const QString &channelId, const QByteArray &secret, const QByteArray &body);
    // The inbound pipeline (engine.md §9.2), for every adapter.
    void handleIncoming(const QString &channelId, const IncomingChannelMessage &message);
    // Sends text to a chat of an active channel (the send_channel_message tool) → the platform's message id. Counted,
    // linked (messageId: the Kin's message it came from, may be empty) and announced like a reply.
    // CHANNEL_NOT_FOUND, CHANNEL_INACTIVE (409), VALIDATION_ERROR, or the platform's error.
    void sendMessage(const QString &channelId, const QString &chatId, const QString &text, const QString &messageId,
                     std::function<void(Result<QString>)> done);
    // A Kin's turn ended: the answer of a turn that descends from a live channel message (the channel turn itself,
    // or a follow-up: kin_reply, task_result) goes back to that chat, replying to the inbound message.
    void onTurnFinished(const QString &kinId, const QString &sessionId, const QString &messageId);
    // What the Kin's prompt says about channels (main turns): "## External channels" (its active channels and how to
    // write for them) and, for a follow-up turn whose answer will go to a chat, "## Channel origin context".
    TurnContextPart promptContext(const TurnContextRequest &request) const;
    // attach_file: a file for the answer of the running turn (its assistant message id), which must descend from a
    // live channel message of this Kin on a platform that can send files. VALIDATION_ERROR, CHANNEL_NOT_FOUND
    // (no live origin), ATTACHMENT_ERROR (the platform cannot send files, too many files).
    Result<QString> stageAttachment(const QString &kinId, const QString &channelOriginId, const QString &turnMessageId,
                                    const OutgoingAttachment &file);
    // The sender of a live channel message: {platform, platform user id}, or nullopt.
    std::optional<QPair<QString, QString>> originSender(const QString &channelOriginId) const;
    // The chats a channel has talked with, most recent first: [{chatId, received, sent, lastActivityAt, lastSender}].
    Result<QJsonArray> conversations(const QString &channelId, int limit) const;
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
    // The channel a platform's webhook names: CHANNEL_NOT_FOUND unless it exists on that platform.
    Result<ChannelRecord> webhookChannel(const QString &channelId, const QString &platform) const;
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
    // Downloads the message's files into the Kin's uploads, then queues it (with the fileIds, and a [System: …]
    // note for each file that could not be fetched).
    void fetchAttachmentsThenQueue(const ChannelRecord &c, const QString &senderName, const IncomingChannelMessage &m);
    void queueIncoming(const ChannelRecord &c, const QString &senderName, const IncomingChannelMessage &m, const QStringList &fileIds,
                       const QStringList &notes);
    // The live origin of a message of this Kin's (its channel belongs to the Kin), else nullptr.
    const Origin *liveOrigin(const QString &channelOriginId, const QString &kinId) const;

    Deps m_d;
    ChannelStore m_store;
    ChannelAdapterRegistry m_adapters;
    QString m_publicUrl;
    // channelOriginId → where the answers of that message's turn and its follow-ups go, for kOriginTtlMs.
    QHash<QString, Origin> m_origins;
    QHash<QString, QList<OutgoingAttachment>> m_staged; // a turn's assistant message id → files for its answer
    // Activation attempts by channel: an activation that finishes after a later activate/deactivate/remove is stale.
    struct Generation
    {
        quint64 number = 0;
        bool activating = false;
    };
    QHash<QString, Generation> m_generation;
    quint64 m_generationCounter = 0;
    // Stops the channel's adapter (and, when released, undoes its platform registration); later activations of
    // the channel that were under way become stale.
    void halt(const ChannelRecord &c, bool release);
};

} // namespace kinbot
