#include "channels/WhatsAppAdapter.h"

#include "channels/MessageChunks.h"
#include "channels/PlatformHttp.h"
#include "crypto/Crypto.h"

#include <QHash>
#include <QJsonArray>
#include <QNetworkAccessManager>

namespace kinbot {

namespace {

const QString kErrorCode = QStringLiteral("WHATSAPP_ERROR");

QString phoneNumberIdOf(const ChannelConnection &c)
{
    return c.platformConfig.value(QStringLiteral("phoneNumberId")).toString();
}

// The text a message carries: a text body, a media caption, a button's label.
QString textOf(const QJsonObject &m)
{
    const QString type = m.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("text"))
        return m.value(QStringLiteral("text")).toObject().value(QStringLiteral("body")).toString();
    if (type == QLatin1String("button"))
        return m.value(QStringLiteral("button")).toObject().value(QStringLiteral("text")).toString();
    return m.value(type).toObject().value(QStringLiteral("caption")).toString(); // image, video, document, …
}

} // namespace

WhatsAppAdapter::WhatsAppAdapter(QNetworkAccessManager &network, QString apiUrl, QObject *parent)
    : QObject(parent), m_network(network), m_apiUrl(std::move(apiUrl))
{
    while (m_apiUrl.endsWith(QLatin1Char('/')))
        m_apiUrl.chop(1);
}

QByteArray WhatsAppAdapter::signature(const QByteArray &appSecret, const QByteArray &body)
{
    return "sha256=" + crypto::hmacSha256(appSecret, body).toHex();
}

void WhatsAppAdapter::botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done)
{
    const QString phoneId = phoneNumberIdOf(c);
    if (c.botToken.isEmpty() || phoneId.isEmpty())
        return done(ApiError::validation(QStringLiteral("The access token or the phone number id is missing")));
    channels::PlatformCall call;
    call.url = QUrl(m_apiUrl + QLatin1Char('/') + phoneId + QStringLiteral("?fields=display_phone_number,verified_name"));
    call.headers = {{"Authorization", "Bearer " + c.botToken.toUtf8()}};
    call.redact = {c.botToken};
    channels::platformCall(m_network, this, call, kErrorCode, QStringLiteral("WhatsApp phone number lookup failed"),
                           [done](Result<QJsonDocument> r) {
                               if (!r)
                                   return done(r.error());
                               const QJsonObject o = r->object();
                               const QString phone = o.value(QStringLiteral("display_phone_number")).toString();
                               QString name = o.value(QStringLiteral("verified_name")).toString();
                               if (name.isEmpty())
                                   name = phone;
                               done(ChannelBotInfo{name, phone});
                           });
}

void WhatsAppAdapter::start(const ChannelConnection &c, std::function<void(Status)> done)
{
    botInfo(c, [done](Result<ChannelBotInfo> r) { done(r ? Status() : Status(r.error())); });
}

QList<IncomingChannelMessage> WhatsAppAdapter::parseWebhook(const QJsonObject &payload)
{
    QList<IncomingChannelMessage> out;
    for (const QJsonValue &entry : payload.value(QStringLiteral("entry")).toArray()) {
        for (const QJsonValue &change : entry.toObject().value(QStringLiteral("changes")).toArray()) {
            const QJsonObject value = change.toObject().value(QStringLiteral("value")).toObject();
            QHash<QString, QString> names; // wa_id → profile name
            for (const QJsonValue &contact : value.value(QStringLiteral("contacts")).toArray()) {
                const QJsonObject o = contact.toObject();
                names.insert(o.value(QStringLiteral("wa_id")).toString(),
                             o.value(QStringLiteral("profile")).toObject().value(QStringLiteral("name")).toString());
            }
            for (const QJsonValue &message : value.value(QStringLiteral("messages")).toArray()) {
                const QJsonObject o = message.toObject();
                IncomingChannelMessage m;
                m.platformUserId = o.value(QStringLiteral("from")).toString();
                m.platformChatId = m.platformUserId;
                m.platformUsername = m.platformUserId;
                m.platformDisplayName = names.value(m.platformUserId);
                m.platformMessageId = o.value(QStringLiteral("id")).toString();
                m.content = textOf(o);
                if (m.platformUserId.isEmpty() || m.content.trimmed().isEmpty())
                    continue;
                out.append(m);
            }
        }
    }
    return out;
}

void WhatsAppAdapter::send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done)
{
    QStringList chunks = channels::chunkMessage(m.content, kMaxMessageChars);
    if (chunks.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    if (c.botToken.isEmpty() || phoneNumberIdOf(c).isEmpty())
        return done(ApiError::validation(QStringLiteral("The access token or the phone number id is missing")));
    sendChunks(c, m, chunks, std::move(done));
}

void WhatsAppAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks,
                                 std::function<void(Result<QString>)> done)
{
    channels::sendPieces(std::move(chunks), [this, c, m](const QString &piece, bool first, std::function<void(Result<QString>)> sent) {
        QJsonObject body{{QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
                         {QStringLiteral("recipient_type"), QStringLiteral("individual")},
                         {QStringLiteral("to"), m.chatId},
                         {QStringLiteral("type"), QStringLiteral("text")},
                         {QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), piece}, {QStringLiteral("preview_url"), false}}}};
        if (first && !m.replyToMessageId.isEmpty())
            body.insert(QStringLiteral("context"), QJsonObject{{QStringLiteral("message_id"), m.replyToMessageId}});
        channels::PlatformCall call;
        call.verb = "POST";
        call.url = QUrl(m_apiUrl + QLatin1Char('/') + phoneNumberIdOf(c) + QStringLiteral("/messages"));
        call.headers = {{"Authorization", "Bearer " + c.botToken.toUtf8()}};
        call.body = QJsonDocument(body);
        call.redact = {c.botToken};
        channels::platformCall(m_network, this, call, kErrorCode, QStringLiteral("WhatsApp send failed"), [sent](Result<QJsonDocument> r) {
            if (!r)
                return sent(r.error());
            sent(r->object().value(QStringLiteral("messages")).toArray().at(0).toObject().value(QStringLiteral("id")).toString());
        });
    }, std::move(done));
}

} // namespace kinbot
