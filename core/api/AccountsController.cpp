#include "api/AccountsController.h"

#include "auth/AccountService.h"
#include "auth/ApiKeyService.h"
#include "auth/InvitationService.h"
#include "auth/ProfileService.h"
#include "http/Exchange.h"
#include "http/Multipart.h"
#include "http/SseHub.h"
#include "log/Logger.h"
#include "util/Clock.h"
#include "util/Files.h"
#include "util/ImageSniff.h"

#include <QDir>
#include <QFile>

namespace kinbot {

AccountsController::AccountsController(ProfileService &profiles, AccountService &accounts, InvitationService &invitations,
                                       ApiKeyService &apiKeys, SseHub &hub, const Clock &clock, Logger &logger, QString uploadsDir)
    : m_profiles(profiles)
    , m_accounts(accounts)
    , m_invitations(invitations)
    , m_apiKeys(apiKeys)
    , m_hub(hub)
    , m_clock(clock)
    , m_logger(logger)
    , m_uploadsDir(std::move(uploadsDir))
{
}

static QJsonObject ok() { return {{QStringLiteral("success"), true}}; }

void AccountsController::onboardingStatus(const ExchangePtr &ex)
{
    ex->send(Reply::json(m_profiles.onboardingStatus()));
}

void AccountsController::onboardingProfile(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto created = m_profiles.createProfile(ex->principal.userId, *body);
    if (created)
        m_logger.info(QStringLiteral("onboarding"), QStringLiteral("Profile created"),
                      {{QStringLiteral("userId"), ex->principal.userId}, {QStringLiteral("role"), created->value(QStringLiteral("role"))}});
    ex->sendResult(created, [](const QJsonObject &o) { return Reply::json(o, 201); });
}

void AccountsController::getMe(const ExchangePtr &ex)
{
    ex->sendResult(m_profiles.me(ex->principal.userId), [](const QJsonObject &o) { return Reply::json(o); });
}

void AccountsController::patchMe(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    ex->sendResult(m_profiles.updateMe(ex->principal.userId, *body), [](const QJsonObject &o) { return Reply::json(o); });
}

// Image type from the bytes themselves, never from the client's claim.
void AccountsController::uploadAvatar(const ExchangePtr &ex)
{
    auto form = MultipartForm::parse(*ex);
    if (!form)
        return ex->fail(form.error());
    const MultipartPart *file = form->part(QStringLiteral("file"));
    if (!file || !file->isFile() || file->data.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_FILE"), QStringLiteral("A non-empty 'file' part is required")));
    if (file->data.size() > kMaxAvatarBytes)
        return ex->fail(ApiError::badRequest(QStringLiteral("FILE_TOO_LARGE"), QStringLiteral("Avatar must be at most 2 MB")));
    const QString ext = images::extensionOf(file->data);
    if (ext.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_FILE_TYPE"), QStringLiteral("Avatar must be a PNG, JPEG, GIF or WebP image")));

    const QString userId = ex->principal.userId;
    if (Status st = files::replaceImage(m_uploadsDir + QStringLiteral("/avatars"), userId, ext, file->data); !st)
        return ex->fail(st.error());
    const QString url = QStringLiteral("/api/uploads/avatars/%1.%2?v=%3").arg(userId, ext).arg(m_clock.nowMs());
    if (Status st = m_accounts.setImage(userId, url); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("avatarUrl"), url}}));
}

void AccountsController::listApiKeys(const ExchangePtr &ex)
{
    ex->sendResult(m_apiKeys.list(ex->principal.userId),
                   [](const QJsonArray &a) { return Reply::json(QJsonObject{{QStringLiteral("apiKeys"), a}}); });
}

void AccountsController::createApiKey(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue name = body->value(QStringLiteral("name"));
    const QJsonValue days = body->value(QStringLiteral("expiresInDays"));
    if (!name.isString())
        return ex->fail(ApiError::validation(QStringLiteral("name is required (1-100 characters)")));
    std::optional<int> expires;
    if (!days.isUndefined() && !days.isNull()) {
        if (!days.isDouble() || days.toDouble() != double(days.toInt()))
            return ex->fail(ApiError::validation(QStringLiteral("expiresInDays must be a whole number of days")));
        expires = days.toInt();
    }
    auto created = m_apiKeys.create(ex->principal.userId, name.toString(), expires);
    if (!created)
        return ex->fail(created.error());
    m_logger.info(QStringLiteral("auth"), QStringLiteral("API key created"),
                  {{QStringLiteral("userId"), ex->principal.userId}, {QStringLiteral("apiKeyId"), created->apiKey.value(QStringLiteral("id"))}});
    ex->send(Reply::json(QJsonObject{{QStringLiteral("apiKey"), created->apiKey}, {QStringLiteral("key"), created->secret}}, 201));
}

void AccountsController::deleteApiKey(const ExchangePtr &ex)
{
    Status st = m_apiKeys.revoke(ex->principal.userId, ex->param(QStringLiteral("id")));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(ok()));
}

void AccountsController::listUsers(const ExchangePtr &ex)
{
    ex->sendResult(m_profiles.listUsers(), [](const QJsonArray &a) { return Reply::json(QJsonObject{{QStringLiteral("users"), a}}); });
}

void AccountsController::mentionables(const ExchangePtr &ex)
{
    ex->sendResult(m_profiles.mentionables(), [](const QJsonObject &o) { return Reply::json(o); });
}

void AccountsController::deleteUser(const ExchangePtr &ex)
{
    const QString target = ex->param(QStringLiteral("id"));
    Status st = m_profiles.deleteUser(ex->principal.userId, target);
    if (!st)
        return ex->fail(st.error());
    m_hub.closeUser(target);
    m_logger.info(QStringLiteral("users"), QStringLiteral("User deleted"), {{QStringLiteral("userId"), target}});
    ex->send(Reply::json(ok()));
}

void AccountsController::listInvitations(const ExchangePtr &ex)
{
    ex->sendResult(m_invitations.list(), [](const QJsonArray &a) { return Reply::json(QJsonObject{{QStringLiteral("invitations"), a}}); });
}

void AccountsController::createInvitation(const ExchangePtr &ex)
{
    auto body = ex->jsonObject(true);
    if (!body)
        return ex->fail(body.error());
    const QJsonValue label = body->value(QStringLiteral("label"));
    const QJsonValue days = body->value(QStringLiteral("expiresInDays"));
    const QJsonValue role = body->value(QStringLiteral("role"));
    if (!label.isUndefined() && !label.isNull() && !label.isString())
        return ex->fail(ApiError::validation(QStringLiteral("label must be a string")));
    if (!days.isUndefined() && !days.isNull() && (!days.isDouble() || days.toDouble() != double(days.toInt())))
        return ex->fail(ApiError::validation(QStringLiteral("expiresInDays must be a whole number")));
    if (!role.isUndefined() && !role.isNull() && !role.isString())
        return ex->fail(ApiError::validation(QStringLiteral("role must be 'member' or 'admin'")));
    const int expires = days.isDouble() ? days.toInt() : InvitationService::kDefaultExpiryDays;
    auto created = m_invitations.create(ex->principal.userId, label.toString().trimmed(), expires,
                                        role.isString() ? role.toString() : QStringLiteral("member"));
    ex->sendResult(created, [](const QJsonObject &o) { return Reply::json(QJsonObject{{QStringLiteral("invitation"), o}}, 201); });
}

void AccountsController::deleteInvitation(const ExchangePtr &ex)
{
    Status st = m_invitations.remove(ex->param(QStringLiteral("id")));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(ok()));
}

void AccountsController::validateInvitation(const ExchangePtr &ex)
{
    const InvitationCheck c = m_invitations.check(ex->param(QStringLiteral("token")));
    QJsonObject o{{QStringLiteral("valid"), c.valid}};
    if (c.valid) {
        if (!c.label.isEmpty())
            o.insert(QStringLiteral("label"), c.label);
    } else {
        o.insert(QStringLiteral("reason"), c.reason);
    }
    ex->send(Reply::json(o));
}

} // namespace kinbot
