#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>

#include <functional>

namespace kinbot {

class AccountService;
class Clock;
class Database;
class InvitationService;

// Onboarding, profiles (/api/me) and the user directory. Capabilities that later domains own (LLM/embedding providers,
// Kins for mentions) come in through hooks so this service does not depend on them.
class ProfileService final
{
public:
    struct Hooks
    {
        std::function<bool(const QString &capability)> hasProviderCapability; // "llm" | "embedding"
        std::function<QJsonArray()> mentionableKins;                           // [{id, slug, name, avatarUrl}]
    };

    ProfileService(const Database &db, const Clock &clock, AccountService &accounts, InvitationService &invitations);
    void setHooks(Hooks hooks) { m_hooks = std::move(hooks); }
    // Called after a profile is created (onboarding): the contacts domain gives the user their own contact.
    using ProfileCreated = std::function<void(const QString &userId, const QString &name, const QString &email)>;
    void setProfileCreatedHook(ProfileCreated hook) { m_profileCreated = std::move(hook); }

    static const QStringList &supportedLanguages();

    QJsonObject onboardingStatus() const;
    bool hasAdmin() const;
    bool hasProfile(const QString &userId) const;
    // POST /api/onboarding/profile: 201 body on success.
    Result<QJsonObject> createProfile(const QString &userId, const QJsonObject &body);

    Result<QJsonObject> me(const QString &userId) const;
    Result<QJsonObject> updateMe(const QString &userId, const QJsonObject &body);

    Result<QJsonArray> listUsers() const;
    Result<QJsonObject> mentionables() const;
    Status deleteUser(const QString &actingUserId, const QString &targetUserId);

private:
    const Database &m_db;
    const Clock &m_clock;
    AccountService &m_accounts;
    InvitationService &m_invitations;
    Hooks m_hooks;
    ProfileCreated m_profileCreated;
};

} // namespace kinbot
