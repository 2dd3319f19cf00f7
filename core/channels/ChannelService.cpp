#include "channels/ChannelService.h"

#include "channels/SlackAdapter.h"
#include "channels/TelegramAdapter.h"
#include "contacts/ContactService.h"
#include "crypto/Crypto.h"
#include "engine/MessageStore.h"
#include "engine/QueueStore.h"
#include "engine/TurnContext.h"
#include "files/UploadStore.h"
#include "events/EventBus.h"
#include "kins/KinService.h"
#include "log/Logger.h"
#include "notifications/NotificationService.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"
#include "vault/VaultService.h"

#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QUrl>

namespace kinbot {

namespace {

const QString kModule = QStringLiteral("channels");

ApiError channelNotFound()
{
    return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("Channel not found"));
}

// How to write for each platform (the "## External channels" block).
QString formattingHint(const QString &platform)
{
    if (platform == QLatin1String("telegram"))
        return QStringLiteral("moderate Markdown (bold, italics, inline code, short lists); no tables");
    if (platform == QLatin1String("slack"))
        return QStringLiteral("Slack mrkdwn (*bold*, _italics_, `code`, > quotes); no tables, no headings");
    if (platform == QLatin1String("discord"))
        return QStringLiteral("Markdown without tables; at most 2000 characters per message read best");
    if (platform == QLatin1String("whatsapp"))
        return QStringLiteral("minimal formatting (*bold*, _italics_); short paragraphs; no tables, no headings");
    if (platform == QLatin1String("signal"))
        return QStringLiteral("plain text; short paragraphs");
    if (platform == QLatin1String("matrix"))
        return QStringLiteral("plain text or light Markdown; no tables");
    return QStringLiteral("plain text");
}

// Signal's bridge needs no token; every other platform has one.
bool usesBotToken(const QString &platform)
{
    return platform != QLatin1String("signal");
}

bool isStartCommand(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^/start(@\\S+)?(\\s.*)?$"), QRegularExpression::DotMatchesEverythingOption);
    return re.match(text.trimmed()).hasMatch();
}

} // namespace

ChannelService::ChannelService(Deps deps, QObject *parent) : QObject(parent), m_d(std::move(deps)), m_store(m_d.db) {}

ChannelService::~ChannelService() = default;

void ChannelService::addAdapter(std::unique_ptr<ChannelAdapter> adapter)
{
    adapter->setSink([this](const QString &channelId, const IncomingChannelMessage &m) { handleIncoming(channelId, m); });
    m_adapters.add(std::move(adapter));
}

QString ChannelService::webhookSecretFor(const QString &botToken, const QString &channelId)
{
    return QString::fromLatin1(crypto::hmacSha256(botToken.toUtf8(), "kinbot-channel-webhook:" + channelId.toUtf8()).toHex());
}

Result<QString> ChannelService::secretOf(const QString &vaultKey) const
{
    auto entry = m_d.vault.findByKey(vaultKey);
    if (!entry)
        return entry.error();
    if (vaultKey.isEmpty() || !entry.value())
        return ApiError::badRequest(QStringLiteral("CHANNEL_CONFIG_ERROR"), QStringLiteral("A secret of the channel is missing from the vault"));
    auto value = m_d.vault.entryValue(entry.value()->id);
    if (!value)
        return value.error();
    return value->value.toString();
}

Result<QString> ChannelService::storeSecret(const QString &key, const QString &value, const QString &description)
{
    VaultNewEntry secret;
    secret.key = key;
    secret.value = value;
    secret.description = description;
    auto stored = m_d.vault.createEntry(secret);
    if (!stored)
        return ApiError::badRequest(QStringLiteral("CHANNEL_CREATE_ERROR"), QStringLiteral("A secret could not be stored: ") + stored.error().message);
    return stored->id;
}

Result<ChannelConnection> ChannelService::connectionFor(const ChannelRecord &c) const
{
    ChannelConnection conn;
    conn.channelId = c.id;
    conn.platformConfig = c.platformConfig;
    conn.publicUrl = m_publicUrl;
    if (!c.botTokenVaultKey().isEmpty() || usesBotToken(c.platform)) { // Signal has none
        auto token = secretOf(c.botTokenVaultKey());
        if (!token)
            return token.error();
        conn.botToken = token.value();
    }
    for (auto it = c.platformConfig.begin(); it != c.platformConfig.end(); ++it) {
        const QString key = it.key();
        if (!key.endsWith(QLatin1String("VaultKey")) || key == QLatin1String("botTokenVaultKey") || key == QLatin1String("accessTokenVaultKey"))
            continue;
        auto secret = secretOf(it.value().toString());
        if (!secret)
            return secret.error();
        conn.secrets.insert(key.chopped(int(qstrlen("VaultKey"))), secret.value());
    }
    // A platform that cannot be given a derived secret (Signal) keeps a random one in the vault.
    conn.webhookSecret = conn.secrets.value(QStringLiteral("webhookSecret"), webhookSecretFor(conn.botToken, c.id));
    return conn;
}

void ChannelService::start()
{
    auto active = m_store.listActive();
    if (!active) {
        m_d.logger.error(kModule, QStringLiteral("Active channels could not be listed"), {{QStringLiteral("error"), active.error().message}});
        return;
    }
    for (const ChannelRecord &c : active.value())
        activate(c.id, [this, name = c.name](Result<ChannelRecord> r) {
            if (r && !r->active())
                m_d.logger.warn(kModule, QStringLiteral("Channel could not be restarted"),
                                {{QStringLiteral("channel"), name}, {QStringLiteral("error"), r->statusMessage}});
        });
}

Result<ChannelRecord> ChannelService::create(const ChannelDraft &d, const QString &createdBy)
{
    for (auto [v, field] : {std::pair{&d.kinId, "kinId"}, std::pair{&d.name, "name"}, std::pair{&d.platform, "platform"}})
        if (!*v || (*v)->trimmed().isEmpty())
            return ApiError::validation(QStringLiteral("%1 is required").arg(QLatin1String(field)));
    const QString platform = *d.platform;
    // The fields each platform needs besides kinId, name and platform.
    QList<std::pair<const std::optional<QString> *, const char *>> required;
    if (usesBotToken(platform))
        required.append({&d.botToken, "botToken"});
    if (platform == QLatin1String("slack"))
        required.append({&d.signingSecret, "signingSecret"});
    if (platform == QLatin1String("whatsapp"))
        required.append({{&d.phoneNumberId, "phoneNumberId"}, {&d.verifyToken, "verifyToken"}, {&d.appSecret, "appSecret"}});
    if (platform == QLatin1String("signal"))
        required.append({{&d.apiUrl, "apiUrl"}, {&d.phoneNumber, "phoneNumber"}});
    if (platform == QLatin1String("matrix"))
        required.append({&d.homeserverUrl, "homeserverUrl"});
    for (auto [v, field] : required)
        if (!*v || (*v)->trimmed().isEmpty())
            return ApiError::validation(QStringLiteral("%1 is required for %2").arg(QLatin1String(field), platform));
    if (d.name->trimmed().size() > kMaxName)
        return ApiError::validation(QStringLiteral("name must be at most %1 characters").arg(kMaxName));
    for (auto [v, field] : {std::pair{&d.botToken, "botToken"}, std::pair{&d.signingSecret, "signingSecret"},
                            std::pair{&d.phoneNumberId, "phoneNumberId"}, std::pair{&d.verifyToken, "verifyToken"},
                            std::pair{&d.appSecret, "appSecret"}, std::pair{&d.apiUrl, "apiUrl"}, std::pair{&d.phoneNumber, "phoneNumber"}})
        if (*v && (*v)->size() > kMaxToken)
            return ApiError::validation(QStringLiteral("%1 must be at most %2 characters").arg(QLatin1String(field)).arg(kMaxToken));
    if (platform == QLatin1String("whatsapp")) {
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,32}$"));
        if (!digits.match(d.phoneNumberId->trimmed()).hasMatch())
            return ApiError::validation(QStringLiteral("phoneNumberId must be the numeric id of the WhatsApp phone number"));
    }
    if (platform == QLatin1String("signal")) {
        const QUrl url(d.apiUrl->trimmed(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return ApiError::validation(QStringLiteral("apiUrl must be the http(s) URL of the signal-cli-rest-api bridge"));
        static const QRegularExpression e164(QStringLiteral("^\\+[1-9][0-9]{6,14}$"));
        if (!e164.match(d.phoneNumber->trimmed()).hasMatch())
            return ApiError::validation(QStringLiteral("phoneNumber must be in E.164 form, e.g. +14155550123"));
    }
    const bool matrix = platform == QLatin1String("matrix");
    QString homeserverUrl;
    if (matrix) {
        homeserverUrl = d.homeserverUrl->trimmed();
        const QUrl url(homeserverUrl, QUrl::StrictMode);
        if (homeserverUrl.size() > 2048 || !url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.hasQuery() || url.hasFragment())
            return ApiError::validation(QStringLiteral("homeserverUrl must be an http(s) URL, such as https://matrix.example.org"));
        while (homeserverUrl.endsWith(QLatin1Char('/')))
            homeserverUrl.chop(1);
    }
    if (!m_adapters.find(platform))
        return ApiError::validation(QStringLiteral("Unsupported platform: %1 (available: %2)")
                                        .arg(platform, m_adapters.platforms().join(QStringLiteral(", "))));
    if (d.allowedChatIds && *d.allowedChatIds && (*d.allowedChatIds)->size() > kMaxAllowedChats)
        return ApiError::validation(QStringLiteral("allowedChatIds has at most %1 entries").arg(kMaxAllowedChats));
    auto kin = m_d.kins.resolve(*d.kinId);
    if (!kin)
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
    auto count = m_store.countForKin(kin->id);
    if (!count)
        return count.error();
    if (count.value() >= kMaxPerKin)
        return ApiError::badRequest(QStringLiteral("CHANNEL_CREATE_ERROR"),
                                    QStringLiteral("Maximum number of channels per Kin reached (%1)").arg(kMaxPerKin));

    const qint64 now = m_d.clock.nowMs();
    ChannelRecord c;
    c.id = ids::uuid();
    c.kinId = kin->id;
    c.name = d.name->trimmed();
    c.platform = platform;
    if (d.allowedChatIds && *d.allowedChatIds && !(*d.allowedChatIds)->isEmpty())
        c.platformConfig.insert(QStringLiteral("allowedChatIds"), QJsonArray::fromStringList(**d.allowedChatIds));
    if (matrix)
        c.platformConfig.insert(QStringLiteral("homeserverUrl"), homeserverUrl);
    c.autoCreateContacts = d.autoCreateContacts.value_or(false);
    c.createdBy = createdBy == QLatin1String("kin") ? QStringLiteral("kin") : QStringLiteral("user");
    c.createdAt = c.updatedAt = now;

    // The secrets: vault key (channel_<platform>_<id>[_suffix]) → platform_config key(s) naming it.
    struct Secret
    {
        QString suffix;
        QString value;
        QString what;
        QStringList configKeys;
    };
    QList<Secret> secrets;
    if (d.botToken && !d.botToken->trimmed().isEmpty()) {
        QStringList keys{QStringLiteral("botTokenVaultKey")};
        if (platform == QLatin1String("whatsapp"))
            keys.append(QStringLiteral("accessTokenVaultKey")); // the reference's name for it
        secrets.append({{}, d.botToken->trimmed(), platform == QLatin1String("whatsapp") ? QStringLiteral("Access token") : QStringLiteral("Bot token"), keys});
    }
    if (platform == QLatin1String("slack"))
        secrets.append({QStringLiteral("_signing_secret"), d.signingSecret->trimmed(), QStringLiteral("Signing secret"), {QStringLiteral("signingSecretVaultKey")}});
    if (platform == QLatin1String("whatsapp")) {
        c.platformConfig.insert(QStringLiteral("phoneNumberId"), d.phoneNumberId->trimmed());
        secrets.append({QStringLiteral("_verify_token"), d.verifyToken->trimmed(), QStringLiteral("Webhook verify token"), {QStringLiteral("verifyTokenVaultKey")}});
        secrets.append({QStringLiteral("_app_secret"), d.appSecret->trimmed(), QStringLiteral("App secret"), {QStringLiteral("appSecretVaultKey")}});
    }
    if (platform == QLatin1String("signal")) {
        c.platformConfig.insert(QStringLiteral("phoneNumber"), d.phoneNumber->trimmed());
        secrets.append({QStringLiteral("_api_url"), d.apiUrl->trimmed(), QStringLiteral("Bridge URL"), {QStringLiteral("apiUrlVaultKey")}});
        secrets.append({QStringLiteral("_webhook_secret"), ids::hexToken(32), QStringLiteral("Webhook secret"), {QStringLiteral("webhookSecretVaultKey")}});
    }
    QStringList storedIds;
    auto rollback = [&] {
        for (const QString &entryId : storedIds)
            (void)m_d.vault.deleteEntry(entryId);
    };
    for (const Secret &secret : secrets) {
        const QString key = QStringLiteral("channel_%1_%2").arg(c.platform, c.id) + secret.suffix;
        auto stored = storeSecret(key, secret.value, QStringLiteral("%1 of the %2 channel \"%3\"").arg(secret.what, c.platform, c.name));
        if (!stored) {
            rollback();
            return stored.error();
        }
        storedIds.append(stored.value());
        for (const QString &configKey : secret.configKeys)
            c.platformConfig.insert(configKey, key);
    }
    if (Status st = m_store.insert(c); !st) {
        rollback();
        return st.error();
    }
    announce(QStringLiteral("channel:created"), c, {{QStringLiteral("platform"), c.platform}});
    return c;
}

Result<ChannelRecord> ChannelService::update(const QString &id, const ChannelDraft &p)
{
    auto found = get(id);
    if (!found)
        return found.error();
    ChannelRecord c = found.value();
    if (p.name) {
        if (p.name->trimmed().isEmpty())
            return ApiError::validation(QStringLiteral("name is required"));
        if (p.name->trimmed().size() > kMaxName)
            return ApiError::validation(QStringLiteral("name must be at most %1 characters").arg(kMaxName));
    }
    if (p.allowedChatIds && *p.allowedChatIds && (*p.allowedChatIds)->size() > kMaxAllowedChats)
        return ApiError::validation(QStringLiteral("allowedChatIds has at most %1 entries").arg(kMaxAllowedChats));
    if (p.kinId) {
        auto kin = m_d.kins.resolve(*p.kinId);
        if (!kin)
            return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
        if (kin->id != c.kinId) {
            auto count = m_store.countForKin(kin->id);
            if (!count)
                return count.error();
            if (count.value() >= kMaxPerKin)
                return ApiError::badRequest(QStringLiteral("CHANNEL_UPDATE_ERROR"),
                                            QStringLiteral("Maximum number of channels per Kin reached (%1)").arg(kMaxPerKin));
            c.kinId = kin->id;
        }
    }
    if (p.name)
        c.name = p.name->trimmed();
    if (p.allowedChatIds) {
        if (*p.allowedChatIds && !(*p.allowedChatIds)->isEmpty())
            c.platformConfig.insert(QStringLiteral("allowedChatIds"), QJsonArray::fromStringList(**p.allowedChatIds));
        else
            c.platformConfig.remove(QStringLiteral("allowedChatIds"));
    }
    if (p.autoCreateContacts)
        c.autoCreateContacts = *p.autoCreateContacts;
    c.updatedAt = m_d.clock.nowMs();
    if (Status st = m_store.update(c); !st)
        return st.error();
    announce(QStringLiteral("channel:updated"), c);
    return c;
}

Status ChannelService::remove(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    halt(found.value(), true);
    auto removed = m_store.remove(id);
    if (!removed)
        return removed.error();
    dropSecret(found.value());
    announce(QStringLiteral("channel:deleted"), found.value());
    return {};
}

void ChannelService::dropSecret(const ChannelRecord &c)
{
    for (auto it = c.platformConfig.begin(); it != c.platformConfig.end(); ++it) {
        if (!it.key().endsWith(QLatin1String("VaultKey")))
            continue;
        auto entry = m_d.vault.findByKey(it.value().toString());
        if (entry && entry.value())
            if (Status st = m_d.vault.deleteEntry(entry.value()->id); !st)
                m_d.logger.warn(kModule, QStringLiteral("A channel secret could not be removed from the vault"),
                                {{QStringLiteral("channelId"), c.id}});
    }
}

Result<ChannelRecord> ChannelService::get(const QString &id) const
{
    auto found = m_store.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return channelNotFound();
    return *found.value();
}

Result<QList<ChannelRecord>> ChannelService::list(const QString &kinId) const
{
    return m_store.list(kinId);
}

void ChannelService::setStatus(const ChannelRecord &c, const QString &status, const QString &message)
{
    if (Status st = m_store.setStatus(c.id, status, message, m_d.clock.nowMs()); !st)
        m_d.logger.error(kModule, QStringLiteral("Channel status could not be saved"), {{QStringLiteral("channelId"), c.id}});
    announce(QStringLiteral("channel:updated"), c, {{QStringLiteral("status"), status}});
}

void ChannelService::activate(const QString &id, std::function<void(Result<ChannelRecord>)> done)
{
    auto found = get(id);
    if (!found)
        return done(found.error());
    const ChannelRecord c = found.value();
    const quint64 generation = ++m_generationCounter;
    m_generation.insert(id, {generation, true});
    auto finish = [this, id, generation, done](const ChannelRecord &c, const Status &st) {
        const Generation latest = m_generation.value(id);
        if (latest.number != generation) {
            // Deactivated or deleted while this activation was under way: that later word stands. A platform
            // connection that came up meanwhile is closed again.
            if (st && !latest.activating)
                if (ChannelAdapter *a = m_adapters.find(c.platform))
                    a->stop(id);
            auto now = get(id);
            if (!now)
                return done(now.error());
            return done(now);
        }
        setStatus(c, st ? QStringLiteral("active") : QStringLiteral("error"), st ? QString() : st.error().message);
        auto now = get(id);
        if (!now)
            return done(ApiError::internal(QStringLiteral("The channel vanished while it was being activated")));
        done(now);
    };
    ChannelAdapter *adapter = m_adapters.find(c.platform);
    if (!adapter)
        return finish(c, ApiError::badRequest(QStringLiteral("ACTIVATE_ERROR"), QStringLiteral("No adapter for platform ") + c.platform));
    auto conn = connectionFor(c);
    if (!conn)
        return finish(c, conn.error());
    adapter->start(conn.value(), [finish, c](Status st) { finish(c, st); });
}

void ChannelService::halt(const ChannelRecord &c, bool release)
{
    m_generation.insert(c.id, {++m_generationCounter, false});
    ChannelAdapter *a = m_adapters.find(c.platform);
    if (!a)
        return;
    if (release)
        if (auto conn = connectionFor(c)) {
            a->release(conn.value());
            return;
        }
    a->stop(c.id);
}

Result<ChannelRecord> ChannelService::deactivate(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    halt(found.value(), true);
    setStatus(found.value(), QStringLiteral("inactive"), {});
    return get(id);
}

Status ChannelService::test(const QString &id, std::function<void(Result<ChannelBotInfo>)> done)
{
    auto found = get(id);
    if (!found)
        return found.error();
    ChannelAdapter *adapter = m_adapters.find(found->platform);
    if (!adapter) {
        done(ApiError::validation(QStringLiteral("No adapter for platform ") + found->platform));
        return {};
    }
    auto conn = connectionFor(found.value());
    if (!conn) {
        done(conn.error());
        return {};
    }
    adapter->botInfo(conn.value(), std::move(done));
    return {};
}

Result<QList<ChannelUserMapping>> ChannelService::pendingMappings(const QString &channelId) const
{
    if (auto found = get(channelId); !found)
        return found.error();
    return m_store.pendingMappings(channelId);
}

Result<QString> ChannelService::approve(const QString &channelId, const QString &mappingId, const ChannelApproval &a)
{
    auto channel = get(channelId);
    if (!channel)
        return channel.error();
    auto mapping = m_store.mappingById(mappingId);
    if (!mapping)
        return mapping.error();
    if (!mapping.value() || mapping.value()->channelId != channelId || mapping.value()->status != QLatin1String("pending"))
        return ApiError::notFound(QStringLiteral("MAPPING_NOT_FOUND"), QStringLiteral("User mapping not found"));
    const ChannelUserMapping m = *mapping.value();

    QString contactId;
    if (a.action == QLatin1String("create")) {
        ContactDraft draft;
        draft.type = QStringLiteral("human");
        draft.name = a.name.trimmed();
        for (const QString &fallback : {m.platformDisplayName, m.platformUsername, m.platformUserId})
            if (draft.name.isEmpty())
                draft.name = fallback;
        auto made = m_d.contacts.create(draft);
        if (!made)
            return ApiError::badRequest(QStringLiteral("APPROVE_ERROR"), made.error().message);
        contactId = made->id;
    } else if (a.action == QLatin1String("link")) {
        if (a.contactId.isEmpty())
            return ApiError::validation(QStringLiteral("contactId is required to link"));
        auto existing = m_d.contacts.get(a.contactId);
        if (!existing)
            return existing.error();
        contactId = existing->id;
    } else {
        return ApiError::validation(QStringLiteral("action must be \"create\" or \"link\""));
    }
    if (auto added = m_d.contacts.addPlatformId(contactId, channel->platform, m.platformUserId); !added)
        return ApiError::badRequest(QStringLiteral("APPROVE_ERROR"), added.error().message);
    auto removed = m_store.removePendingOf(channel->platform, m.platformUserId);
    if (!removed)
        return removed.error();
    m_d.bus.broadcast(QStringLiteral("channel:user-approved"), {{QStringLiteral("channelId"), channelId}, {QStringLiteral("mappingId"), m.id}});
    if (channel->active())
        reply(channel.value(), m.platformUserId, {}, approvedText());
    return contactId;
}

Status ChannelService::receiveTelegram(const QString &channelId, const QByteArray &secretToken, const QByteArray &body)
{
    auto found = m_store.find(channelId);
    if (!found)
        return found.error();
    if (!found.value() || found.value()->platform != QLatin1String("telegram"))
        return channelNotFound();
    const ChannelRecord c = *found.value();
    auto conn = connectionFor(c);
    if (!conn)
        return channelNotFound();
    if (secretToken.isEmpty())
        return ApiError::unauthorized(QStringLiteral("Missing X-Telegram-Bot-Api-Secret-Token"));
    if (!crypto::constantTimeEquals(secretToken, conn->webhookSecret.toLatin1()))
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Invalid X-Telegram-Bot-Api-Secret-Token"));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return ApiError::badRequest(QStringLiteral("INVALID_JSON"), QStringLiteral("The update is not a JSON object"));
    if (auto m = TelegramAdapter::parseUpdate(doc.object()))
        handleIncoming(c.id, *m);
    return {};
}

Result<QJsonObject> ChannelService::receiveSlack(const QString &channelId, const QByteArray &timestamp, const QByteArray &signature,
                                                 const QByteArray &body)
{
    auto found = m_store.find(channelId);
    if (!found)
        return found.error();
    if (!found.value() || found.value()->platform != QLatin1String("slack"))
        return channelNotFound();
    const ChannelRecord c = *found.value();
    auto signingSecret = secretOf(c.platformConfig.value(QStringLiteral("signingSecretVaultKey")).toString());
    if (!signingSecret)
        return channelNotFound();
    if (timestamp.isEmpty() || signature.isEmpty())
        return ApiError::unauthorized(QStringLiteral("Missing X-Slack-Signature or X-Slack-Request-Timestamp"));
    bool ok = false;
    const qint64 ts = timestamp.toLongLong(&ok);
    if (!ok || qAbs(m_d.clock.nowMs() - ts * 1000) > kSlackWindowMs)
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Stale or invalid X-Slack-Request-Timestamp"));
    if (!crypto::constantTimeEquals(signature, SlackAdapter::signature(signingSecret->toUtf8(), timestamp, body)))
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Invalid X-Slack-Signature"));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return ApiError::badRequest(QStringLiteral("INVALID_JSON"), QStringLiteral("The event is not a JSON object"));
    const QJsonObject payload = doc.object();
    if (payload.value(QStringLiteral("type")).toString() == QLatin1String("url_verification"))
        return QJsonObject{{QStringLiteral("challenge"), payload.value(QStringLiteral("challenge")).toString()}};
    auto *slackAdapter = static_cast<SlackAdapter *>(m_adapters.find(c.platform));
    if (auto m = SlackAdapter::parseEvent(payload, slackAdapter ? slackAdapter->botUserId(c.id) : QString()))
        handleIncoming(c.id, *m);
    return QJsonObject{{QStringLiteral("ok"), true}};
}

void ChannelService::reply(const ChannelRecord &c, const QString &chatId, const QString &replyTo, const QString &text)
{
    ChannelAdapter *adapter = m_adapters.find(c.platform);
    auto conn = connectionFor(c);
    if (!adapter || !conn)
        return;
    adapter->send(conn.value(), {chatId, text, replyTo, {}}, [this, id = c.id](Result<QString> r) {
        if (!r)
            m_d.logger.warn(kModule, QStringLiteral("Channel message could not be sent"),
                            {{QStringLiteral("channelId"), id}, {QStringLiteral("error"), r.error().message}});
    });
}

void ChannelService::handleIncoming(const QString &channelId, const IncomingChannelMessage &m)
{
    auto found = m_store.find(channelId);
    if (!found || !found.value() || !found.value()->active()) {
        Q_EMIT inboundHandled(channelId, QStringLiteral("dropped"));
        return;
    }
    const ChannelRecord c = *found.value();
    const QStringList allowed = c.allowedChatIds();
    if (!allowed.isEmpty() && !allowed.contains(m.platformChatId)) {
        Q_EMIT inboundHandled(channelId, QStringLiteral("dropped"));
        return;
    }
    auto contact = m_d.contacts.byPlatformId(c.platform, m.platformUserId);
    if (!contact) {
        m_d.logger.error(kModule, QStringLiteral("Sender lookup failed"), {{QStringLiteral("error"), contact.error().message}});
        return;
    }
    if (!contact.value()) {
        auto existing = m_store.findMapping(c.id, m.platformUserId);
        if (existing && !existing.value()) {
            ChannelUserMapping mapping;
            mapping.id = ids::uuid();
            mapping.channelId = c.id;
            mapping.platformUserId = m.platformUserId;
            mapping.platformUsername = m.platformUsername;
            mapping.platformDisplayName = m.platformDisplayName;
            mapping.createdAt = m_d.clock.nowMs();
            if (Status st = m_store.insertMapping(mapping); st) {
                m_d.bus.broadcast(QStringLiteral("channel:user-pending"),
                                  {{QStringLiteral("channelId"), c.id}, {QStringLiteral("mappingId"), mapping.id},
                                   {QStringLiteral("platformUsername"), json::nonEmptyOrNull(m.platformUsername)},
                                   {QStringLiteral("platformDisplayName"), json::nonEmptyOrNull(m.platformDisplayName)},
                                   {QStringLiteral("platform"), c.platform}});
                const QString who = m.platformDisplayName.isEmpty() ? (m.platformUsername.isEmpty() ? m.platformUserId : m.platformUsername)
                                                                    : m.platformDisplayName;
                NotificationInput n;
                n.type = QStringLiteral("channel:user-pending");
                n.title = QStringLiteral("New user waiting on %1").arg(c.name);
                n.body = QStringLiteral("%1 (%2) wants to talk through this channel and needs your approval.").arg(who, c.platform);
                n.kinId = c.kinId;
                n.relatedId = c.id;
                n.relatedType = QStringLiteral("channel");
                if (auto sent = m_d.notifications.notifyAll(n); !sent)
                    m_d.logger.warn(kModule, QStringLiteral("Pending-user notification failed"), {{QStringLiteral("error"), sent.error().message}});
            }
        }
        reply(c, m.platformChatId, m.platformMessageId, pendingText());
        Q_EMIT inboundHandled(channelId, QStringLiteral("pending"));
        return;
    }
    const Contact sender = *contact.value();
    auto kin = m_d.kins.resolve(c.kinId);
    if (isStartCommand(m.content)) {
        const QString name = kin ? kin->name : QStringLiteral("your assistant");
        const QString role = kin ? kin->role.trimmed() : QString();
        reply(c, m.platformChatId, m.platformMessageId,
              QStringLiteral("Hi! I'm %1%2. Send me a message and I will answer here.")
                  .arg(name, role.isEmpty() ? QString() : QStringLiteral(" — ") + role));
        Q_EMIT inboundHandled(channelId, QStringLiteral("welcome"));
        return;
    }

    if (!m.attachments.isEmpty())
        return fetchAttachmentsThenQueue(c, sender.name, m);
    queueIncoming(c, sender.name, m, {}, {});
}

void ChannelService::fetchAttachmentsThenQueue(const ChannelRecord &c, const QString &senderName, const IncomingChannelMessage &m)
{
    ChannelAdapter *adapter = m_adapters.find(c.platform);
    auto conn = connectionFor(c);
    struct Gathering
    {
        int pending = 0;
        QStringList fileIds;
        QStringList notes;
    };
    auto g = std::make_shared<Gathering>();
    const QList<IncomingAttachment> files = m.attachments.mid(0, kMaxAttachments);
    if (m.attachments.size() > kMaxAttachments)
        g->notes << QStringLiteral("[System: %1 more file(s) were not kept: at most %2 per message]").arg(m.attachments.size() - kMaxAttachments).arg(kMaxAttachments);
    if (!adapter || !conn) {
        g->notes << QStringLiteral("[System: the files of this message could not be fetched]");
        return queueIncoming(c, senderName, m, {}, g->notes);
    }
    g->pending = int(files.size());
    QPointer<ChannelService> self(this);
    for (int i = 0; i < files.size(); ++i) {
        const IncomingAttachment a = files.at(i);
        adapter->download(conn.value(), a, kMaxAttachmentBytes, [self, c, senderName, m, g, a, i](Result<QByteArray> data) {
            if (!self)
                return;
            const QString name = a.fileName.isEmpty() ? QStringLiteral("file_%1").arg(i + 1) : a.fileName;
            if (!data) {
                g->notes << QStringLiteral("[System: the file \"%1\" could not be fetched: %2]").arg(name, data.error().message);
            } else if (auto stored = self->m_d.uploads.store(c.kinId, QString(), name, data.value()); !stored) {
                g->notes << QStringLiteral("[System: the file \"%1\" could not be kept: %2]").arg(name, stored.error().message);
            } else {
                g->fileIds << stored->id;
            }
            if (--g->pending == 0)
                self->queueIncoming(c, senderName, m, g->fileIds, g->notes);
        });
    }
}

void ChannelService::queueIncoming(const ChannelRecord &c, const QString &senderName, const IncomingChannelMessage &m, const QStringList &fileIds,
                                   const QStringList &notes)
{
    const QString channelId = c.id;
    QueueItem item;
    item.id = ids::uuid();
    item.kinId = c.kinId;
    item.messageType = QStringLiteral("channel");
    item.content = QStringLiteral("[%1:%2] %3").arg(c.platform, senderName, m.content);
    if (!notes.isEmpty())
        item.content += QStringLiteral("\n") + notes.join(QLatin1Char('\n'));
    item.fileIds = fileIds;
    item.sourceType = QStringLiteral("channel");
    item.sourceId = c.id;
    item.priority = kPriority;
    item.channelOriginId = item.id;
    pruneOrigins();
    const qint64 now = m_d.clock.nowMs();
    m_origins.insert(item.id, {c.id, m.platformChatId, m.platformMessageId, m.platformUserId, now + kOriginTtlMs});
    auto queued = m_d.enqueue(item);
    if (!queued) {
        m_origins.remove(item.id);
        m_d.logger.error(kModule, QStringLiteral("Channel message could not be queued"), {{QStringLiteral("error"), queued.error().message}});
        return;
    }
    (void)m_store.addLink({c.id, item.id, m.platformMessageId, m.platformChatId, QStringLiteral("inbound")}, now);
    (void)m_store.countReceived(c.id, now);
    if (ChannelAdapter *adapter = m_adapters.find(c.platform))
        if (auto conn = connectionFor(c))
            adapter->typing(conn.value(), m.platformChatId);
    m_d.bus.toKin(c.kinId, QStringLiteral("channel:message-received"),
                  {{QStringLiteral("channelId"), c.id}, {QStringLiteral("platform"), c.platform}, {QStringLiteral("sender"), senderName}});
    Q_EMIT inboundHandled(channelId, QStringLiteral("queued"));
}

void ChannelService::pruneOrigins()
{
    const qint64 now = m_d.clock.nowMs();
    for (auto it = m_origins.begin(); it != m_origins.end();)
        it = it->expiresAt <= now ? m_origins.erase(it) : std::next(it);
}

const ChannelService::Origin *ChannelService::liveOrigin(const QString &channelOriginId, const QString &kinId) const
{
    auto it = m_origins.constFind(channelOriginId);
    if (channelOriginId.isEmpty() || it == m_origins.cend() || it->expiresAt <= m_d.clock.nowMs())
        return nullptr;
    auto channel = m_store.find(it->channelId);
    if (!channel || !channel.value() || channel.value()->kinId != kinId)
        return nullptr; // e.g. another Kin's turn on an inter-Kin request made from a channel turn: its answer is not for the chat
    return &*it;
}

void ChannelService::onTurnFinished(const QString &kinId, const QString &sessionId, const QString &messageId)
{
    const QList<OutgoingAttachment> files = m_staged.take(messageId);
    if (!sessionId.isEmpty() || messageId.isEmpty() || m_origins.isEmpty())
        return;
    auto row = m_d.messages.find(kinId, messageId);
    if (!row || !row.value() || row.value()->channelOriginId.isEmpty())
        return;
    const Origin *origin = liveOrigin(row.value()->channelOriginId, kinId);
    if (!origin)
        return;
    const QString content = row.value()->content.trimmed();
    auto channel = get(origin->channelId);
    if ((content.isEmpty() && files.isEmpty()) || !channel || !channel->active())
        return;
    deliver(channel.value(), {origin->chatId, content, origin->platformMessageId, files}, messageId, [](Result<QString>) {});
}

Result<QString> ChannelService::stageAttachment(const QString &kinId, const QString &channelOriginId, const QString &turnMessageId,
                                                const OutgoingAttachment &file)
{
    const Origin *origin = liveOrigin(channelOriginId, kinId);
    if (!origin || turnMessageId.isEmpty())
        return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"),
                                  QStringLiteral("This turn does not answer a channel message: there is no chat to send the file to"));
    auto channel = get(origin->channelId);
    if (!channel)
        return channel.error();
    ChannelAdapter *adapter = m_adapters.find(channel->platform);
    if (!adapter || !adapter->sendsFiles())
        return ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("Files cannot be sent on %1 yet").arg(channel->platform));
    QList<OutgoingAttachment> &staged = m_staged[turnMessageId];
    if (staged.size() >= kMaxAttachments)
        return ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("At most %1 files per answer").arg(kMaxAttachments));
    staged.append(file);
    return channel->platform;
}

TurnContextPart ChannelService::promptContext(const TurnContextRequest &r) const
{
    TurnContextPart part;
    if (r.quick)
        return part;
    auto channels = m_store.list(r.kinId);
    if (channels) {
        QStringList lines;
        QStringList platforms;
        for (const ChannelRecord &c : channels.value()) {
            if (!c.active())
                continue;
            lines << QStringLiteral("- %1: \"%2\" (channel_id: %3)").arg(c.platform, c.name, c.id);
            if (!platforms.contains(c.platform))
                platforms << c.platform;
        }
        if (!lines.isEmpty()) {
            lines.prepend(QStringLiteral("## External channels\n"
                                         "People also reach you through these channels; their messages arrive as \"[platform:Name] text\":"));
            lines << QStringLiteral("Your answer to a channel message is sent back to the same chat automatically: do not call "
                                    "send_channel_message to answer it. Use send_channel_message only to write first to a chat "
                                    "(list_channel_conversations gives the chat ids).")
                  << QStringLiteral("Write for the platform:");
            for (const QString &p : std::as_const(platforms))
                lines << QStringLiteral("- %1: %2").arg(p, formattingHint(p));
            part.channelsBlock = lines.join(QLatin1Char('\n'));
        }
    }
    if (r.messageType != QLatin1String("channel"))
        if (const Origin *origin = liveOrigin(r.channelOriginId, r.kinId))
            if (auto c = m_store.find(origin->channelId); c && c.value())
                part.channelOriginBlock = QStringLiteral("## Channel origin context\n"
                                                         "This turn follows up a message that came from %1 (channel \"%2\"). "
                                                         "Your answer will be delivered to that chat automatically: write it for the "
                                                         "person there (%3), and do not call send_channel_message for it.")
                                              .arg(c.value()->platform, c.value()->name, formattingHint(c.value()->platform));
    return part;
}

Result<QJsonArray> ChannelService::conversations(const QString &channelId, int limit) const
{
    auto found = get(channelId);
    if (!found)
        return found.error();
    auto chats = m_store.conversations(channelId, limit);
    if (!chats)
        return chats.error();
    static const QRegularExpression prefix(QStringLiteral("^\\[[a-z0-9_-]+:([^\\]\\n]+)\\]"));
    QJsonArray out;
    for (const ChannelConversation &chat : chats.value()) {
        QString sender;
        if (!chat.lastInboundId.isEmpty())
            if (auto row = m_d.messages.byChannelOrigin(found->kinId, chat.lastInboundId); row && row.value())
                if (const auto m = prefix.match(row.value()->content); m.hasMatch())
                    sender = m.captured(1).trimmed();
        out.append(QJsonObject{{QStringLiteral("chatId"), chat.chatId},
                               {QStringLiteral("received"), chat.received},
                               {QStringLiteral("sent"), chat.sent},
                               {QStringLiteral("lastActivityAt"), chat.lastActivityAt},
                               {QStringLiteral("lastSender"), json::nonEmptyOrNull(sender)}});
    }
    return out;
}

std::optional<QPair<QString, QString>> ChannelService::originSender(const QString &channelOriginId) const
{
    auto it = m_origins.constFind(channelOriginId);
    if (channelOriginId.isEmpty() || it == m_origins.cend() || it->expiresAt <= m_d.clock.nowMs())
        return std::nullopt;
    auto channel = m_store.find(it->channelId);
    if (!channel || !channel.value())
        return std::nullopt;
    return QPair<QString, QString>{channel.value()->platform, it->platformUserId};
}

void ChannelService::sendMessage(const QString &channelId, const QString &chatId, const QString &text, const QString &messageId,
                                 std::function<void(Result<QString>)> done)
{
    auto channel = get(channelId);
    if (!channel)
        return done(channel.error());
    if (!channel->active())
        return done(ApiError::conflict(QStringLiteral("CHANNEL_INACTIVE"), QStringLiteral("The channel is not active")));
    if (chatId.trimmed().isEmpty() || text.trimmed().isEmpty())
        return done(ApiError::validation(QStringLiteral("chat id and message are required")));
    deliver(channel.value(), {chatId.trimmed(), text.trimmed(), {}, {}}, messageId, std::move(done));
}

void ChannelService::deliver(const ChannelRecord &c, const OutgoingChannelMessage &m, const QString &messageId,
                             std::function<void(Result<QString>)> done)
{
    ChannelAdapter *adapter = m_adapters.find(c.platform);
    if (!adapter)
        return done(ApiError::badRequest(QStringLiteral("CHANNEL_CONFIG_ERROR"), QStringLiteral("No adapter for platform ") + c.platform));
    auto conn = connectionFor(c);
    if (!conn)
        return done(conn.error());
    adapter->send(conn.value(), m, [this, c, chatId = m.chatId, messageId, done](Result<QString> sent) {
        if (!sent) {
            m_d.logger.warn(kModule, QStringLiteral("A message could not be sent to the channel"),
                            {{QStringLiteral("channelId"), c.id}, {QStringLiteral("error"), sent.error().message}});
            return done(sent.error());
        }
        const qint64 now = m_d.clock.nowMs();
        (void)m_store.addLink({c.id, messageId, sent.value(), chatId, QStringLiteral("outbound")}, now);
        (void)m_store.countSent(c.id, now);
        m_d.bus.toKin(c.kinId, QStringLiteral("channel:message-sent"),
                      {{QStringLiteral("channelId"), c.id}, {QStringLiteral("platform"), c.platform}, {QStringLiteral("messageId"), messageId}});
        Q_EMIT replySent(c.id, sent.value());
        done(sent.value());
    });
}

void ChannelService::forgetKin(const QString &kinId)
{
    auto all = m_store.list(kinId);
    if (!all)
        return;
    for (const ChannelRecord &c : all.value()) {
        halt(c, true);
        dropSecret(c);
        announce(QStringLiteral("channel:deleted"), c);
    }
}

void ChannelService::announce(const QString &type, const ChannelRecord &c, const QJsonObject &extra)
{
    QJsonObject p{{QStringLiteral("channelId"), c.id}, {QStringLiteral("kinId"), c.kinId}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p.insert(it.key(), it.value());
    m_d.bus.broadcast(type, p);
}

QJsonObject ChannelService::toJson(const ChannelRecord &c, std::optional<int> pending) const
{
    if (!pending) {
        auto counts = m_store.pendingCounts();
        pending = counts ? counts->value(c.id) : 0;
    }
    auto kin = m_d.kins.resolve(c.kinId);
    return {{QStringLiteral("id"), c.id},
            {QStringLiteral("kinId"), c.kinId},
            {QStringLiteral("kinName"), kin ? QJsonValue(kin->name) : QJsonValue()},
            {QStringLiteral("kinAvatarUrl"), kin ? json::nonEmptyOrNull(m_d.kins.avatarUrl(kin.value())) : QJsonValue()},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("platform"), c.platform},
            {QStringLiteral("status"), c.status},
            {QStringLiteral("statusMessage"), json::nonEmptyOrNull(c.statusMessage)},
            {QStringLiteral("autoCreateContacts"), c.autoCreateContacts},
            {QStringLiteral("messagesReceived"), c.messagesReceived},
            {QStringLiteral("messagesSent"), c.messagesSent},
            {QStringLiteral("lastActivityAt"), c.lastActivityAt ? QJsonValue(c.lastActivityAt) : QJsonValue()},
            {QStringLiteral("createdBy"), c.createdBy},
            {QStringLiteral("createdAt"), c.createdAt},
            {QStringLiteral("pendingApprovalCount"), *pending}};
}

QJsonArray ChannelService::platformsJson() const
{
    QJsonArray out;
    for (const QString &p : m_adapters.platforms()) {
        const ChannelPlatformMeta meta = m_adapters.find(p)->meta();
        out.append(QJsonObject{{QStringLiteral("platform"), p},
                               {QStringLiteral("displayName"), meta.displayName},
                               {QStringLiteral("brandColor"), json::nonEmptyOrNull(meta.brandColor)},
                               {QStringLiteral("isPlugin"), false}});
    }
    return out;
}

} // namespace kinbot
