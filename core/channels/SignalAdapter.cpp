#include "channels/SignalAdapter.h"

#include "channels/MessageChunks.h"
#include "channels/PlatformHttp.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QUrlQuery>

namespace kinbot {

namespace {

const QString kErrorCode = QStringLiteral("SIGNAL_ERROR");

QString bridgeOf(const ChannelConnection &c)
{
    QString url = c.secrets.value(QStringLiteral("apiUrl")).trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

QString numberOf(const ChannelConnection &c)
{
    return c.platformConfig.value(QStringLiteral("phoneNumber")).toString();
}

// A call to the bridge. Its URL may carry credentials (user:password@host): it never reaches an error message.
channels::PlatformCall bridgeCall(const ChannelConnection &c, const QByteArray &verb, const QString &path, const QJsonDocument &body = {})
{
    channels::PlatformCall call;
    call.verb = verb;
    call.url = QUrl(bridgeOf(c) + path);
    call.body = body;
    call.redact = {bridgeOf(c), call.url.host(), c.webhookSecret};
    return call;
}

QString idText(const QJsonValue &v)
{
    return v.isString() ? v.toString() : (v.isDouble() ? QString::number(qint64(v.toDouble())) : QString());
}

} // namespace

SignalAdapter::SignalAdapter(QNetworkAccessManager &network, QObject *parent) : QObject(parent), m_network(network) {}

void SignalAdapter::botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done)
{
    const QString number = numberOf(c);
    if (bridgeOf(c).isEmpty() || number.isEmpty())
        return done(ApiError::validation(QStringLiteral("The bridge URL or the phone number is missing")));
    channels::platformCall(m_network, this, bridgeCall(c, "GET", QStringLiteral("/v1/accounts")), kErrorCode,
                           QStringLiteral("Signal bridge account lookup failed"), [done, number](Result<QJsonDocument> r) {
                               if (!r)
                                   return done(r.error());
                               const QJsonArray accounts = r->array();
                               if (!accounts.contains(QJsonValue(number)))
                                   return done(ApiError::badRequest(kErrorCode, QStringLiteral("The number %1 is not registered on the Signal bridge")
                                                                                    .arg(number)));
                               done(ChannelBotInfo{QStringLiteral("Signal ") + number, number});
                           });
}

void SignalAdapter::start(const ChannelConnection &c, std::function<void(Status)> done)
{
    botInfo(c, [this, c, done](Result<ChannelBotInfo> r) {
        if (!r)
            return done(r.error());
        registerWebhook(c, done);
    });
}

void SignalAdapter::registerWebhook(const ChannelConnection &c, std::function<void(Status)> done)
{
    QString base = c.publicUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QUrl hook(base + webhookPath(c.channelId));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("secret"), c.webhookSecret);
    hook.setQuery(q);
    const QString url = hook.toString(QUrl::FullyEncoded);
    const QString number = numberOf(c);
    auto settings = bridgeCall(c, "PUT", QStringLiteral("/v1/accounts/") + number + QStringLiteral("/settings"),
                               QJsonDocument(QJsonObject{{QStringLiteral("webhook_url"), url}}));
    channels::platformCall(m_network, this, settings, kErrorCode, QStringLiteral("Signal webhook registration failed"),
                           [this, c, url, number, done](Result<QJsonDocument> r) {
                               if (r)
                                   return done({});
                               // Older bridges: one webhook for the bridge.
                               auto fallback = bridgeCall(c, "POST", QStringLiteral("/v1/webhook"),
                                                          QJsonDocument(QJsonObject{{QStringLiteral("url"), url}, {QStringLiteral("number"), number}}));
                               channels::platformCall(m_network, this, fallback, kErrorCode, QStringLiteral("Signal webhook registration failed"),
                                                      [done](Result<QJsonDocument> r2) { done(r2 ? Status() : Status(r2.error())); });
                           });
}

std::optional<IncomingChannelMessage> SignalAdapter::parseEnvelope(const QJsonObject &payload, const QString &ownNumber)
{
    QJsonObject envelope = payload.value(QStringLiteral("envelope")).toObject();
    if (envelope.isEmpty())
        envelope = payload.value(QStringLiteral("params")).toObject().value(QStringLiteral("envelope")).toObject();
    const QJsonObject data = envelope.value(QStringLiteral("dataMessage")).toObject();
    IncomingChannelMessage m;
    m.platformUserId = envelope.value(QStringLiteral("sourceNumber")).toString();
    if (m.platformUserId.isEmpty())
        m.platformUserId = envelope.value(QStringLiteral("sourceUuid")).toString();
    if (m.platformUserId.isEmpty())
        m.platformUserId = envelope.value(QStringLiteral("source")).toString();
    m.platformUsername = envelope.value(QStringLiteral("sourceNumber")).toString();
    m.platformDisplayName = envelope.value(QStringLiteral("sourceName")).toString();
    m.content = data.value(QStringLiteral("message")).toString();
    m.platformMessageId = idText(data.value(QStringLiteral("timestamp")));
    if (m.platformMessageId.isEmpty())
        m.platformMessageId = idText(envelope.value(QStringLiteral("timestamp")));
    const QString groupId = data.value(QStringLiteral("groupInfo")).toObject().value(QStringLiteral("groupId")).toString();
    m.platformChatId = groupId.isEmpty() ? m.platformUserId : QStringLiteral("group.") + QString::fromLatin1(groupId.toUtf8().toBase64());
    if (m.platformUserId.isEmpty() || m.platformUserId == ownNumber || m.content.trimmed().isEmpty())
        return std::nullopt;
    return m;
}

void SignalAdapter::send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done)
{
    QStringList chunks = channels::chunkMessage(m.content, kMaxMessageChars);
    if (chunks.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    if (bridgeOf(c).isEmpty() || numberOf(c).isEmpty())
        return done(ApiError::validation(QStringLiteral("The bridge URL or the phone number is missing")));
    sendChunks(c, m, chunks, std::move(done));
}

void SignalAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks,
                               std::function<void(Result<QString>)> done)
{
    channels::sendPieces(std::move(chunks), [this, c, m](const QString &piece, bool first, std::function<void(Result<QString>)> sent) {
        QJsonObject body{{QStringLiteral("message"), piece}, {QStringLiteral("number"), numberOf(c)}, {QStringLiteral("recipients"), QJsonArray{m.chatId}}};
        bool ok = false;
        const qint64 quoted = m.replyToMessageId.toLongLong(&ok);
        if (first && ok) {
            body.insert(QStringLiteral("quote_timestamp"), quoted);
            if (!m.chatId.startsWith(QLatin1String("group.")))
                body.insert(QStringLiteral("quote_author"), m.chatId); // a direct chat: the sender is the chat
        }
        channels::platformCall(m_network, this, bridgeCall(c, "POST", QStringLiteral("/v2/send"), QJsonDocument(body)), kErrorCode,
                               QStringLiteral("Signal send failed"), [sent](Result<QJsonDocument> r) {
                                   if (!r)
                                       return sent(r.error());
                                   sent(idText(r->object().value(QStringLiteral("timestamp"))));
                               });
    }, std::move(done));
}

void SignalAdapter::typing(const ChannelConnection &c, const QString &chatId)
{
    if (bridgeOf(c).isEmpty() || numberOf(c).isEmpty())
        return;
    auto call = bridgeCall(c, "PUT", QStringLiteral("/v1/typing-indicator/") + numberOf(c),
                           QJsonDocument(QJsonObject{{QStringLiteral("recipient"), chatId}}));
    channels::platformCall(m_network, this, call, kErrorCode, QStringLiteral("Signal typing failed"), [](Result<QJsonDocument>) {});
}

} // namespace kinbot
