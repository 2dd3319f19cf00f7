#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>

namespace kinbot {

class Clock;
class Database;

struct InvitationCheck
{
    bool valid = false;
    QString reason; // NOT_FOUND | ALREADY_USED | EXPIRED
    QString id;
    QString label;
    QString role;
};

// Invitations let later users complete onboarding. Tokens are 64 hex chars (32 random bytes).
class InvitationService final
{
public:
    static constexpr int kDefaultExpiryDays = 7;
    static constexpr int kMaxActive = 50;

    InvitationService(const Database &db, const Clock &clock, QString publicUrl);

    Result<QJsonObject> create(const QString &createdBy, const QString &label, int expiresInDays, const QString &role);
    Result<QJsonArray> list() const;
    Status remove(const QString &id);
    InvitationCheck check(const QString &token) const;
    // Marks the invitation used (atomic: only one caller wins). Call inside the profile transaction.
    Status consume(const QString &invitationId, const QString &userId);
    void setPublicUrl(const QString &url) { m_publicUrl = url; }

private:
    const Database &m_db;
    const Clock &m_clock;
    QString m_publicUrl;
};

} // namespace kinbot
