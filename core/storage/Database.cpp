#include "storage/Database.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QThread>
#include <QUuid>

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

QString Database::connectionName() const
{
    return m_prefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
}

QSqlDatabase Database::connection() const
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name, false);

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        qCCritical(lcDb) << "cannot open" << m_path << db.lastError().text();
        return db;
    }
    QSqlQuery q(db);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL",
                               "PRAGMA temp_store=MEMORY"}) {
        if (!q.exec(QString::fromLatin1(pragma)))
            qCWarning(lcDb) << pragma << "failed:" << q.lastError().text();
    }
    return db;
}

void Database::closeThreadConnection() const
{
    const QString name = connectionName();
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
    if (!q.prepare(sql)) {
        qCWarning(lcDb) << "prepare failed:" << q.lastError().text() << sql;
        return ApiError::internal();
    }
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec()) {
        const QSqlError err = q.lastError();
        // SQLite extended code 2067 = SQLITE_CONSTRAINT_UNIQUE, 1555 = PRIMARYKEY, 787 = FOREIGNKEY
        const QString native = err.nativeErrorCode();
        if (native == QLatin1String("2067") || native == QLatin1String("1555"))
            return ApiError::conflict(QStringLiteral("DUPLICATE"), QStringLiteral("A record with the same key already exists"));
        qCWarning(lcDb) << "exec failed:" << err.text() << native << sql;
        return ApiError::internal();
    }
    return q;
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
