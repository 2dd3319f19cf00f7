#pragma once

#include "auth/Principal.h"

#include <QByteArray>
#include <QHash>

#include <optional>

namespace kinbot {

class Clock;
class Database;

// Recently resolved credentials (a session cookie or an API key → Principal), so an authenticated request needs no
// database round trip. Correctness does not depend on callers remembering to invalidate: every entry is stamped with
// the database's watch generation (bumped by any write to user, user_profiles, session or api_keys — sign-out,
// revocation, role change, user deletion and their cascades) and the whole cache is dropped when it moved. Each entry
// also carries its own deadline (session/key expiry, the next session extension, the next last-used write).
// Lives on the thread that serves HTTP; not thread-safe.
class PrincipalCache final
{
public:
    static constexpr int kCapacity = 4096;

    PrincipalCache(const Database &db, const Clock &clock);

    std::optional<Principal> find(const QByteArray &credential);
    void insert(const QByteArray &credential, const Principal &principal, qint64 validUntilMs);
    int size() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        Principal principal;
        qint64 validUntilMs = 0;
    };
    void syncGeneration();

    const Database &m_db;
    const Clock &m_clock;
    quint64 m_generation = 0;
    QHash<QByteArray, Entry> m_entries;
};

} // namespace kinbot
