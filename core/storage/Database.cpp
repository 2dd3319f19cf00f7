#include "storage/Database.h"

#include <QLoggingCategory>
#include <QHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>
#include <QUuid>

#include <memory>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcDb, "kinbot.db")

namespace kinbot {

Database::Database(QString filePath)
    : m_path(std::move(filePath))
    , m_prefix(QStringLiteral("kinbot-") + QUuid::createUuid().toString(QUuid::Id128) + QLatin1Char('-'))
{
}

Database::~Database()
{
    // Connections of the owning (main) thread; worker threads close their own via closeThreadConnection().
    closeThreadConnection();
}

namespace {

// Maps a failed statement to a typed error: unique/primary-key violations are conflicts, the rest is internal.
ApiError mapSqlError(const QSqlError &err, const QString &sql)
{
    // SQLite extended code 2067 = SQLITE_CONSTRAINT_UNIQUE, 1555 = PRIMARYKEY
    const QString native = err.nativeErrorCode();
    if (native == QLatin1String("2067") || native == QLatin1String("1555"))
        return ApiError::conflict(QStringLiteral("DUPLICATE"), QStringLiteral("A record with the same key already exists"));
    qCWarning(lcDb) << "exec failed:" << err.text() << native << sql;
    return ApiError::internal();
}

constexpr int kMaxCachedStatements = 256;

} // namespace

// One thread's connection handle and statement cache for one Database. Kept in a thread_local map keyed by the
// Database's unique prefix so a lookup takes no global lock (QSqlDatabase::database() does).
struct Database::ThreadState
{
    // A statement prepared once with SQLITE_PREPARE_PERSISTENT; finalized before the connection goes away.
    struct Statement
    {
        sqlite3_stmt *stmt = nullptr;
        ~Statement() { sqlite3_finalize(stmt); }
    };
    QSqlDatabase db;
    sqlite3 *handle = nullptr;
    QHash<QString, std::shared_ptr<Statement>> statements;
};

namespace {
thread_local QHash<QString, std::shared_ptr<void>> t_states;
}

QString Database::connectionName() const
{
    return m_prefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
}

Database::ThreadState &Database::threadState() const
{
    auto it = t_states.find(m_prefix);
    if (it != t_states.end())
        return *static_cast<ThreadState *>(it.value().get());

    auto state = std::make_shared<ThreadState>();
    const QString name = connectionName();
    if (QSqlDatabase::contains(name)) {
        state->db = QSqlDatabase::database(name, false);
        const QVariant handle = state->db.driver()->handle();
        if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
            state->handle = *static_cast<sqlite3 *const *>(handle.constData());
    } else {
        state->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        state->db.setDatabaseName(m_path);
        state->db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!state->db.open()) {
            qCCritical(lcDb) << "cannot open" << m_path << state->db.lastError().text();
        } else {
            const QVariant handle = state->db.driver()->handle();
            if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0) {
                state->handle = *static_cast<sqlite3 *const *>(handle.constData());
                if (state->handle)
                    sqlite3_update_hook(state->handle, &Database::onRowChanged, const_cast<Database *>(this));
            } else {
                qCWarning(lcDb) << "no sqlite3 handle: cache invalidation disabled";
            }
            QSqlQuery q(state->db);
            for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL",
                                       "PRAGMA temp_store=MEMORY",
                                       // Deleted and rewritten rows are zeroed, not left in free space: a redacted
                                       // message or a removed secret must not survive in the file.
                                       "PRAGMA secure_delete=ON"}) {
                if (!q.exec(QString::fromLatin1(pragma)))
                    qCWarning(lcDb) << pragma << "failed:" << q.lastError().text();
            }
        }
    }
    ThreadState *raw = state.get();
    t_states.insert(m_prefix, std::shared_ptr<void>(state, raw));
    return *raw;
}

void Database::watchTables(const QStringList &tables)
{
    for (const QString &t : tables)
        m_watched.append(t.toUtf8());
}

void Database::onRowChanged(void *self, int, const char *, const char *table, long long)
{
    auto *db = static_cast<Database *>(self);
    for (const QByteArray &t : std::as_const(db->m_watched)) {
        if (qstrcmp(t.constData(), table) == 0) {
            db->m_generation.fetch_add(1, std::memory_order_acq_rel);
            return;
        }
    }
}

QSqlDatabase Database::connection() const
{
    return threadState().db;
}

void Database::closeThreadConnection() const
{
    const QString name = connectionName();
    t_states.remove(m_prefix); // drops the cached statements and this thread's handle first
    if (!QSqlDatabase::contains(name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

Result<QSqlQuery> Database::exec(const QString &sql, std::initializer_list<QVariant> values) const
{
    return exec(sql, QVariantList(values));
}

Result<QSqlQuery> Database::exec(const QString &sql, const QVariantList &values) const
{
    QSqlQuery q(connection());
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        qCWarning(lcDb) << "prepare failed:" << q.lastError().text() << sql;
        return ApiError::internal();
    }
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec())
        return mapSqlError(q.lastError(), sql);
    return q;
}

namespace {

bool bindValue(sqlite3_stmt *stmt, int index, const QVariant &v)
{
    int rc = SQLITE_OK;
    if (v.isNull()) {
        rc = sqlite3_bind_null(stmt, index);
    } else {
        switch (v.typeId()) {
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::Long:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
        case QMetaType::Short:
        case QMetaType::UShort:
            rc = sqlite3_bind_int64(stmt, index, v.toLongLong());
            break;
        case QMetaType::Double:
        case QMetaType::Float:
            rc = sqlite3_bind_double(stmt, index, v.toDouble());
            break;
        case QMetaType::QByteArray: {
            const QByteArray b = v.toByteArray();
            rc = sqlite3_bind_blob64(stmt, index, b.constData(), sqlite3_uint64(b.size()), SQLITE_TRANSIENT);
            break;
        }
        default: {
            const QString text = v.toString();
            rc = sqlite3_bind_text16(stmt, index, text.utf16(), int(text.size() * sizeof(char16_t)), SQLITE_TRANSIENT);
            break;
        }
        }
    }
    return rc == SQLITE_OK;
}

QVariant columnValue(sqlite3_stmt *stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(stmt, i)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(stmt, i));
    case SQLITE_BLOB: {
        const void *data = sqlite3_column_blob(stmt, i);
        return QVariant(QByteArray(static_cast<const char *>(data), sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_TEXT: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, i));
        return QVariant(QString::fromUtf8(text, sqlite3_column_bytes(stmt, i)));
    }
    default:
        return QVariant();
    }
}

ApiError mapStepError(sqlite3 *handle, const QString &sql)
{
    const int code = sqlite3_extended_errcode(handle);
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
        return ApiError::conflict(QStringLiteral("DUPLICATE"), QStringLiteral("A record with the same key already exists"));
    qCWarning(lcDb) << "exec failed:" << sqlite3_errmsg(handle) << code << sql;
    return ApiError::internal();
}

// Resets the statement and clears its bindings when the caller is done, on every path.
struct StatementUse
{
    sqlite3_stmt *stmt;
    ~StatementUse()
    {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
};

} // namespace

Result<sqlite3_stmt *> Database::prepareCached(const QString &sql, const QVariantList &values) const
{
    ThreadState &state = threadState();
    if (!state.handle) {
        qCWarning(lcDb) << "no open connection for" << sql;
        return ApiError::internal();
    }
    auto it = state.statements.find(sql);
    if (it == state.statements.end()) {
        if (state.statements.size() >= kMaxCachedStatements)
            state.statements.clear();
        auto st = std::make_shared<ThreadState::Statement>();
        const int rc = sqlite3_prepare16_v3(state.handle, sql.utf16(), int(sql.size() * sizeof(char16_t)),
                                            SQLITE_PREPARE_PERSISTENT, &st->stmt, nullptr);
        if (rc != SQLITE_OK || !st->stmt) {
            qCWarning(lcDb) << "prepare failed:" << sqlite3_errmsg(state.handle) << sql;
            return ApiError::internal();
        }
        it = state.statements.insert(sql, std::move(st));
    }
    sqlite3_stmt *stmt = (*it)->stmt;
    if (values.size() != sqlite3_bind_parameter_count(stmt)) {
        qCWarning(lcDb) << "expected" << sqlite3_bind_parameter_count(stmt) << "values, got" << values.size() << sql;
        return ApiError::internal();
    }
    for (int i = 0; i < values.size(); ++i) {
        if (!bindValue(stmt, i + 1, values.at(i))) {
            qCWarning(lcDb) << "bind failed:" << sqlite3_errmsg(state.handle) << sql;
            sqlite3_clear_bindings(stmt);
            return ApiError::internal();
        }
    }
    return stmt;
}

Result<std::optional<Database::Row>> Database::selectOne(const QString &sql, const QVariantList &values) const
{
    auto prepared = prepareCached(sql, values);
    if (!prepared)
        return prepared.error();
    sqlite3_stmt *stmt = *prepared;
    StatementUse use{stmt};
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE)
        return std::optional<Row>();
    if (rc != SQLITE_ROW)
        return mapStepError(sqlite3_db_handle(stmt), sql);
    const int columns = sqlite3_column_count(stmt);
    Row row;
    row.reserve(columns);
    for (int i = 0; i < columns; ++i)
        row.append(columnValue(stmt, i));
    return std::optional<Row>(std::move(row));
}

Result<QList<Database::Row>> Database::selectAll(const QString &sql, const QVariantList &values) const
{
    auto prepared = prepareCached(sql, values);
    if (!prepared)
        return prepared.error();
    sqlite3_stmt *stmt = *prepared;
    StatementUse use{stmt};
    const int columns = sqlite3_column_count(stmt);
    QList<Row> rows;
    for (;;) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            return rows;
        if (rc != SQLITE_ROW)
            return mapStepError(sqlite3_db_handle(stmt), sql);
        Row row;
        row.reserve(columns);
        for (int i = 0; i < columns; ++i)
            row.append(columnValue(stmt, i));
        rows.append(std::move(row));
    }
}

Result<int> Database::run(const QString &sql, const QVariantList &values) const
{
    auto prepared = prepareCached(sql, values);
    if (!prepared)
        return prepared.error();
    sqlite3_stmt *stmt = *prepared;
    StatementUse use{stmt};
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE)
        return mapStepError(sqlite3_db_handle(stmt), sql);
    return sqlite3_changes(sqlite3_db_handle(stmt));
}

Status Database::transaction(const std::function<Status()> &fn) const
{
    QSqlDatabase db = connection();
    if (!db.transaction()) {
        qCWarning(lcDb) << "begin failed:" << db.lastError().text();
        return ApiError::internal();
    }
    Status st = fn();
    if (!st.ok()) {
        db.rollback();
        return st;
    }
    if (!db.commit()) {
        qCWarning(lcDb) << "commit failed:" << db.lastError().text();
        db.rollback();
        return ApiError::internal();
    }
    return st;
}

} // namespace kinbot
