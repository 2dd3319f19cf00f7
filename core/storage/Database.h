#pragma once

#include "util/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <QStringList>

#include <atomic>
#include <functional>
#include <initializer_list>
#include <optional>
#include <type_traits>

struct sqlite3_stmt;

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

    using Row = QVariantList;

    // Prepares, binds positional values and executes; logs and returns an Internal error on failure.
    // The returned query is forward-only and owned by the caller (use it for streaming over many rows).
    Result<QSqlQuery> exec(const QString &sql, std::initializer_list<QVariant> values = {}) const;
    Result<QSqlQuery> exec(const QString &sql, const QVariantList &values) const;

    // Cached-statement variants for hot paths, on the SQLite C API of the same connection (QtSql's per-query record and
    // field bookkeeping cost more than the query): prepared once per thread, reset after each call so nothing escapes
    // and no read snapshot stays open. Values: INTEGER → qint64, REAL → double, TEXT → QString, BLOB → QByteArray,
    // NULL → a null QVariant. selectOne yields nullopt when there is no row.
    Result<std::optional<Row>> selectOne(const QString &sql, const QVariantList &values = {}) const;
    Result<QList<Row>> selectAll(const QString &sql, const QVariantList &values = {}) const;
    // Runs a write statement; returns the number of rows affected.
    Result<int> run(const QString &sql, const QVariantList &values = {}) const;
    // Change tracking for in-memory caches: every row written (INSERT/UPDATE/DELETE, foreign-key cascades included)
    // to a watched table, by any connection of this process, bumps watchGeneration(). A cache stamps its entries with
    // the generation and drops them when it moved, so it cannot outlive the rows it mirrors whichever code path wrote
    // them. Register tables before the first query.
    void watchTables(const QStringList &tables);
    quint64 watchGeneration() const { return m_generation.load(std::memory_order_acquire); }

    // Runs fn inside a transaction; commits when it returns ok, rolls back otherwise.
    Status transaction(const std::function<Status()> &fn) const;

private:
    struct ThreadState;
    ThreadState &threadState() const;
    // This thread's cached statement for sql (prepared on first use) with values bound, ready to step.
    Result<sqlite3_stmt *> prepareCached(const QString &sql, const QVariantList &values) const;
    QString connectionName() const;
    static void onRowChanged(void *self, int op, const char *database, const char *table, long long rowid);
    QString m_path;
    QString m_prefix;
    QList<QByteArray> m_watched;
    std::atomic<quint64> m_generation{1};
};

// The rows of a query as records (fromRow: Row → record), or the query's error: the tail of every list lookup.
template<typename F>
auto mapRows(const Result<QList<Database::Row>> &rows, F fromRow) -> Result<QList<std::invoke_result_t<F, const Database::Row &>>>
{
    if (!rows)
        return rows.error();
    QList<std::invoke_result_t<F, const Database::Row &>> out;
    out.reserve(rows->size());
    for (const Database::Row &r : rows.value())
        out.append(fromRow(r));
    return out;
}

// The row of a single-row query as a record, nullopt when there is none, or the query's error.
template<typename F>
auto mapRow(const Result<std::optional<Database::Row>> &row, F fromRow)
    -> Result<std::optional<std::invoke_result_t<F, const Database::Row &>>>
{
    using T = std::invoke_result_t<F, const Database::Row &>;
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<T>();
    return std::optional<T>(fromRow(*row.value()));
}

} // namespace kinbot
