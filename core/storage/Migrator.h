#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>

namespace kinbot {

class Clock;
class Database;

struct Migration
{
    int version = 0;
    QString name;
    QString sql;
};

// Applies numbered SQL files (NNNN_name.sql) in order, each inside its own transaction, recording applied versions in
// schema_migrations. Later issues add their own files to the same folder.
class Migrator final
{
public:
    Migrator(const Database &db, const Clock &clock);

    // Migrations shipped as resources under :/migrations.
    static QList<Migration> bundled();
    // Parses "0001_name.sql" file names from a directory (resource or disk); sorted by version; fails on duplicates.
    static Result<QList<Migration>> load(const QString &dir);

    Result<QList<int>> applied() const;
    // Applies what is missing; returns the versions applied now.
    Result<QList<int>> migrate(const QList<Migration> &migrations) const;

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
