#include "auth/PrincipalCache.h"

#include "storage/Database.h"
#include "util/Clock.h"

namespace kinbot {

PrincipalCache::PrincipalCache(const Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{
}

void PrincipalCache::syncGeneration()
{
    const quint64 current = m_db.watchGeneration();
    if (current != m_generation) {
        m_entries.clear();
        m_generation = current;
    }
}

std::optional<Principal> PrincipalCache::find(const QByteArray &credential)
{
    syncGeneration();
    auto it = m_entries.constFind(credential);
    if (it == m_entries.cend())
        return std::nullopt;
    if (m_clock.nowMs() >= it->validUntilMs) {
        m_entries.erase(it);
        return std::nullopt;
    }
    return it->principal;
}

void PrincipalCache::insert(const QByteArray &credential, const Principal &principal, qint64 validUntilMs)
{
    syncGeneration();
    if (validUntilMs <= m_clock.nowMs())
        return;
    if (m_entries.size() >= kCapacity)
        m_entries.clear(); // crude but bounded; a full cache means thousands of live credentials
    m_entries.insert(credential, Entry{principal, validUntilMs});
}

} // namespace kinbot
