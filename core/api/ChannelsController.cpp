#include "api/ChannelsController.h"

#include "channels/ChannelService.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"

#include <QJsonArray>

namespace kinbot {

namespace {

// The body's fields into a draft; a field of the wrong type is a VALIDATION_ERROR naming it.
Result<ChannelDraft> draftOf(const QJsonObject &body)
{
    ChannelDraft d;
    for (auto [key, slot] : {std::pair{"kinId", &d.kinId}, std::pair{"name", &d.name}, std::pair{"platform", &d.platform},
                             std::pair{"botToken", &d.botToken}, std::pair{"signingSecret", &d.signingSecret},
                             std::pair{"phoneNumberId", &d.phoneNumberId}, std::pair{"verifyToken", &d.verifyToken},
                             std::pair{"appSecret", &d.appSecret}, std::pair{"apiUrl", &d.apiUrl}, std::pair{"phoneNumber", &d.phoneNumber},
                             std::pair{"homeserverUrl", &d.homeserverUrl}}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isString())
            return ApiError::validation(QStringLiteral("%1 must be a string").arg(QLatin1String(key)));
        *slot = v.toString();
    }
    if (const QJsonValue v = body.value(QStringLiteral("autoCreateContacts")); !v.isUndefined() && !v.isNull()) {
        if (!v.isBool())
            return ApiError::validation(QStringLiteral("autoCreateContacts must be a boolean"));
        d.autoCreateContacts = v.toBool();
    }
    if (const QJsonValue v = body.value(QStringLiteral("allowedChatIds")); !v.isUndefined()) {
        if (v.isNull()) {
            d.allowedChatIds = std::optional<QStringList>();
        } else {
            if (!v.isArray())
                return ApiError::validation(QStringLiteral("allowedChatIds must be an array of strings or null"));
            QStringList ids;
            for (const QJsonValue &item : v.toArray()) {
                if (item.isString() && !item.toString().trimmed().isEmpty())
                    ids.append(item.toString().trimmed());
                else if (item.isDouble() && item.toDouble() == double(qint64(item.toDouble())))
                    ids.append(QString::number(qint64(item.toDouble())));
                else
                    return ApiError::validation(QStringLiteral("allowedChatIds must be an array of strings or null"));
            }
            d.allowedChatIds = std::optional<QStringList>(ids);
        }
    }
    return d;
}

} // namespace

ChannelsController::ChannelsController(ChannelService &channels, KinService &kins) : m_channels(channels), m_kins(kins) {}

void ChannelsController::list(const ExchangePtr &ex)
{
    QString kinId = ex->queryValue(QStringLiteral("kinId"));
    if (!kinId.isEmpty()) {
        auto kin = m_kins.resolve(kinId);
        if (!kin)
            return ex->send(Reply::json(QJsonObject{{QStringLiteral("channels"), QJsonArray()}}));
        kinId = kin->id;
    }
    auto all = m_channels.list(kinId);
    if (!all)
        return ex->fail(all.error());
    auto counts = m_channels.pendingCounts();
    if (!counts)
        return ex->fail(counts.error());
    QJsonArray out;
    for (const ChannelRecord &c : all.value())
        out.append(m_channels.toJson(c, counts->value(c.id)));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("channels"), out}}));
}

void ChannelsController::platforms(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("platforms"), m_channels.platformsJson()}}));
}

void ChannelsController::pendingCount(const ExchangePtr &ex)
{
    ex->sendResult(m_channels.pendingCount(), [](int n) { return Reply::json(QJsonObject{{QStringLiteral("count"), n}}); });
}

void ChannelsController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto draft = draftOf(body.value());
    if (!draft)
        return ex->fail(draft.error());
    ex->sendResult(m_channels.create(draft.value(), QStringLiteral("user")), [this](const ChannelRecord &c) {
        return Reply::json(QJsonObject{{QStringLiteral("channel"), m_channels.toJson(c, 0)}}, 201);
    });
}

void ChannelsController::get(const ExchangePtr &ex)
{
    ex->sendResult(m_channels.get(ex->param(QStringLiteral("id"))),
                   [this](const ChannelRecord &c) { return Reply::json(QJsonObject{{QStringLiteral("channel"), m_channels.toJson(c)}}); });
}

void ChannelsController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto draft = draftOf(body.value());
    if (!draft)
        return ex->fail(draft.error());
    if (draft->platform || draft->botToken || draft->signingSecret || draft->phoneNumberId || draft->verifyToken || draft->appSecret
        || draft->apiUrl || draft->phoneNumber || draft->homeserverUrl)
        return ex->fail(ApiError::validation(
            QStringLiteral("platform and the platform's credentials (botToken, signingSecret, phoneNumberId, verifyToken, appSecret, "
                           "apiUrl, phoneNumber, homeserverUrl) cannot be changed")));
    ex->sendResult(m_channels.update(ex->param(QStringLiteral("id")), draft.value()),
                   [this](const ChannelRecord &c) { return Reply::json(QJsonObject{{QStringLiteral("channel"), m_channels.toJson(c)}}); });
}

void ChannelsController::remove(const ExchangePtr &ex)
{
    ex->sendSuccess(m_channels.remove(ex->param(QStringLiteral("id"))));
}

void ChannelsController::activate(const ExchangePtr &ex)
{
    m_channels.activate(ex->param(QStringLiteral("id")), [this, ex](Result<ChannelRecord> r) {
        ex->sendResult(r, [this](const ChannelRecord &c) { return Reply::json(QJsonObject{{QStringLiteral("channel"), m_channels.toJson(c)}}); });
    });
}

void ChannelsController::deactivate(const ExchangePtr &ex)
{
    ex->sendResult(m_channels.deactivate(ex->param(QStringLiteral("id"))),
                   [this](const ChannelRecord &c) { return Reply::json(QJsonObject{{QStringLiteral("channel"), m_channels.toJson(c)}}); });
}

void ChannelsController::test(const ExchangePtr &ex)
{
    Status st = m_channels.test(ex->param(QStringLiteral("id")), [ex](Result<ChannelBotInfo> r) {
        if (!r)
            return ex->send(Reply::json(QJsonObject{{QStringLiteral("valid"), false}, {QStringLiteral("error"), r.error().message}}));
        QJsonObject info{{QStringLiteral("name"), r->name}};
        if (!r->username.isEmpty())
            info.insert(QStringLiteral("username"), r->username);
        ex->send(Reply::json(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("botInfo"), info}}));
    });
    if (!st)
        ex->fail(st.error());
}

void ChannelsController::userMappings(const ExchangePtr &ex)
{
    ex->sendResult(m_channels.pendingMappings(ex->param(QStringLiteral("id"))), [](const QList<ChannelUserMapping> &all) {
        QJsonArray out;
        for (const ChannelUserMapping &m : all)
            out.append(m.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("mappings"), out}});
    });
}

void ChannelsController::approve(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    ChannelApproval a;
    for (auto [key, slot] : {std::pair{"action", &a.action}, std::pair{"name", &a.name}, std::pair{"contactId", &a.contactId}}) {
        const QJsonValue v = body->value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isString())
            return ex->fail(ApiError::validation(QStringLiteral("%1 must be a string").arg(QLatin1String(key))));
        *slot = v.toString();
    }
    ex->sendResult(m_channels.approve(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("mapId")), a), [](const QString &contactId) {
        return Reply::json(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("contactId"), contactId}});
    });
}

void ChannelsController::telegramWebhook(const ExchangePtr &ex)
{
    if (Status st = m_channels.receiveTelegram(ex->param(QStringLiteral("channelId")), ex->header("x-telegram-bot-api-secret-token"), ex->body());
        !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

} // namespace kinbot

namespace kinbot {

void ChannelsController::slackWebhook(const ExchangePtr &ex)
{
    ex->sendResult(m_channels.receiveSlack(ex->param(QStringLiteral("channelId")), ex->header("x-slack-request-timestamp"),
                                           ex->header("x-slack-signature"), ex->body()),
                   [](const QJsonObject &o) { return Reply::json(o); });
}

} // namespace kinbot

namespace kinbot {

void ChannelsController::whatsappVerify(const ExchangePtr &ex)
{
    ex->sendResult(m_channels.verifyWhatsApp(ex->param(QStringLiteral("channelId")), ex->queryValue(QStringLiteral("hub.mode")),
                                             ex->queryValue(QStringLiteral("hub.verify_token")), ex->queryValue(QStringLiteral("hub.challenge"))),
                   [](const QString &challenge) { return Reply::bytes(challenge.toUtf8(), "text/plain; charset=utf-8"); });
}

void ChannelsController::whatsappWebhook(const ExchangePtr &ex)
{
    if (Status st = m_channels.receiveWhatsApp(ex->param(QStringLiteral("channelId")), ex->header("x-hub-signature-256"), ex->body()); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

void ChannelsController::signalWebhook(const ExchangePtr &ex)
{
    QByteArray secret = ex->queryValue(QStringLiteral("secret")).toUtf8();
    if (secret.isEmpty())
        secret = ex->header("x-signal-secret");
    if (Status st = m_channels.receiveSignal(ex->param(QStringLiteral("channelId")), secret, ex->body()); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

} // namespace kinbot
