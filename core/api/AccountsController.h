#pragma once

#include "http/Route.h"

#include <QString>

namespace kinbot {

class AccountService;
class ApiKeyService;
class Clock;
class EventBus;
class InvitationService;
class Logger;
class ProfileService;
class SseHub;

// Onboarding, /api/me (profile, avatar, API keys), /api/users and /api/invitations.
class AccountsController final
{
public:
    static constexpr qint64 kMaxAvatarBytes = 2 * 1024 * 1024;

    AccountsController(ProfileService &profiles, AccountService &accounts, InvitationService &invitations, ApiKeyService &apiKeys,
                       SseHub &hub, const Clock &clock, Logger &logger, QString uploadsDir);

    void onboardingStatus(const ExchangePtr &ex);
    void onboardingProfile(const ExchangePtr &ex);

    void getMe(const ExchangePtr &ex);
    void patchMe(const ExchangePtr &ex);
    void uploadAvatar(const ExchangePtr &ex);

    void listApiKeys(const ExchangePtr &ex);
    void createApiKey(const ExchangePtr &ex);
    void deleteApiKey(const ExchangePtr &ex);

    void listUsers(const ExchangePtr &ex);
    void mentionables(const ExchangePtr &ex);
    void deleteUser(const ExchangePtr &ex);

    void listInvitations(const ExchangePtr &ex);
    void createInvitation(const ExchangePtr &ex);
    void deleteInvitation(const ExchangePtr &ex);
    void validateInvitation(const ExchangePtr &ex);

private:
    ProfileService &m_profiles;
    AccountService &m_accounts;
    InvitationService &m_invitations;
    ApiKeyService &m_apiKeys;
    SseHub &m_hub;
    const Clock &m_clock;
    Logger &m_logger;
    QString m_uploadsDir;
};

} // namespace kinbot
