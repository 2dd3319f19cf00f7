#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace kinbot {

class Clock;
class Database;

struct UserRecord
{
    QString id;
    QString name;
    QString email;
    bool emailVerified = false;
    QString image; // avatar URL or empty
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QJsonObject toJson() const; // Better Auth's user object
};

// Users and their credential accounts (scrypt hashes). Validation mirrors Better Auth's email+password rules.
class AccountService final
{
public:
    static constexpr int kMinPassword = 8;
    static constexpr int kMaxPassword = 128;

    AccountService(const Database &db, const Clock &clock);

    static Status validateEmail(const QString &email);
    static Status validateNewPassword(const QString &password);

    Result<UserRecord> find(const QString &userId) const;
    Result<UserRecord> findByEmail(const QString &email) const; // email compared lower-cased
    std::optional<QString> passwordHash(const QString &userId) const;

    // Creates the user and its credential account in one transaction. 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL on a
    // duplicate email (also when two sign-ups race).
    Result<UserRecord> create(const QString &name, const QString &email, const QString &passwordHash);
    Status setPasswordHash(const QString &userId, const QString &hash);
    Status setName(const QString &userId, const QString &name);
    Status setImage(const QString &userId, const QString &image);
    Status remove(const QString &userId);

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
