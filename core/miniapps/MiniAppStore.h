#pragma once

#include "miniapps/MiniApp.h"
#include "util/Result.h"

#include <QList>

namespace kinbot {

class Database;

// The SQL of the mini_apps table. Main thread.
class MiniAppStore final
{
public:
    explicit MiniAppStore(const Database &db) : m_db(db) {}

    Result<std::optional<MiniApp>> find(const QString &id) const;
    Result<std::optional<MiniApp>> findBySlug(const QString &kinId, const QString &slug) const;
    // A Kin's apps (active and inactive), newest first.
    Result<QList<MiniApp>> byKin(const QString &kinId) const;
    // Every active app of every Kin, newest first (the gallery).
    Result<QList<MiniApp>> active() const;
    Result<int> countForKin(const QString &kinId) const;

    Status insert(const MiniApp &app);
    Status update(const QString &id, const MiniAppChange &change, qint64 nowMs);
    // version + 1 and updated_at; hasBackend when given → the new version.
    Result<int> bumpVersion(const QString &id, std::optional<bool> hasBackend, qint64 nowMs);
    Status remove(const QString &id);

private:
    const Database &m_db;
};

} // namespace kinbot
