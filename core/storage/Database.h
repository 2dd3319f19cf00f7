#pragma once

#include "util/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <functional>
#include <initializer_list>

namespace kinbot {

// The SQLite database of one data dir. Each thread gets its own connection (a QSqlDatabase belongs to the thread that
// opened it), configured with WAL, foreign keys, a busy timeout and synchronous=NORMAL (durable across process crashes).
class Database final
{
public:
    explicit Database(QString filePath);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    // Opens (once per thread) and returns this thread's connection.
    QSqlDatabase connection() const;
    // Closes this thread's connection; call from a worker thread before it ends.
    void closeThreadConnection() const;
    const QString &filePath() const { return m_path; }

    // Prepares, binds positional values and executes; logs and returns an Internal error on failure.
    Result<QSqlQuery> exec(const QString &sql, std::initializer_list<QVariant> values = {}) const;
    Result<QSqlQuery> exec(const QString &sql, const QVariantList &values) const;
    // Runs fn inside a transaction; commits when it returns ok, rolls back otherwise.
    Status transaction(const std::function<Status()> &fn) const;

private:
    QString connectionName() const;
    QString m_path;
    QString m_prefix;
};

} // namespace kinbot
