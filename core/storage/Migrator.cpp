#include "storage/Migrator.h"

#include "storage/Database.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcDb)

namespace kinbot {

Migrator::Migrator(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

QList<Migration> Migrator::bundled()
{
    auto r = load(QStringLiteral(":/migrations"));
    return r.ok() ? r.value() : QList<Migration>{};
}

Result<QList<Migration>> Migrator::load(const QString &dir)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    QList<Migration> out;
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &f : files) {
        const auto m = re.match(f);
        if (!m.hasMatch())
            return ApiError::internal(QStringLiteral("Bad migration file name: ") + f);
        QFile file(dir + QLatin1Char('/') + f);
        if (!file.open(QIODevice::ReadOnly))
            return ApiError::internal(QStringLiteral("Cannot read migration ") + f);
        Migration mig{m.captured(1).toInt(), m.captured(2), QString::fromUtf8(file.readAll())};
        if (!out.isEmpty() && out.last().version == mig.version)
            return ApiError::internal(QStringLiteral("Duplicate migration version ") + m.captured(1));
        out.append(mig);
    }
    return out;
}

static QStringList splitStatements(const QString &sql)
{
    // Statements end with ';' at the end of a line. Trigger bodies (BEGIN ... END;) keep their inner ';' because
    // we only split on a ';' that is outside a BEGIN/END block.
    QStringList out;
    QString current;
    int depth = 0;
    const QStringList lines = sql.split(QLatin1Char('\n'));
    for (const QString &rawLine : lines) {
        const QString line = rawLine.trimmed();
        if (line.startsWith(QLatin1String("--")) || line.isEmpty())
            continue;
        current += rawLine + QLatin1Char('\n');
        const QString upper = line.toUpper();
        if (upper.endsWith(QLatin1String("BEGIN")))
            ++depth;
        if (depth > 0 && (upper == QLatin1String("END;") || upper.endsWith(QLatin1String(" END;"))))
            --depth;
        if (depth == 0 && line.endsWith(QLatin1Char(';'))) {
            out.append(current.trimmed());
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        out.append(current.trimmed());
    return out;
}

Result<QList<int>> Migrator::applied() const
{
    auto created = m_db.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    if (!created)
        return created.error();
    auto q = m_db.exec(QStringLiteral("SELECT version FROM schema_migrations ORDER BY version"));
    if (!q)
        return q.error();
    QList<int> out;
    while (q.value().next())
        out.append(q.value().value(0).toInt());
    return out;
}

Result<QList<int>> Migrator::migrate(const QList<Migration> &migrations) const
{
    auto done = applied();
    if (!done)
        return done.error();
    QList<int> now;
    for (const Migration &m : migrations) {
        if (done.value().contains(m.version))
            continue;
        Status st = m_db.transaction([&]() -> Status {
            QSqlQuery q(m_db.connection());
            for (const QString &stmt : splitStatements(m.sql)) {
                if (!q.exec(stmt)) {
                    qCCritical(lcDb) << "migration" << m.version << m.name << "failed:" << q.lastError().text();
                    return ApiError::internal(QStringLiteral("Migration %1 failed: %2").arg(m.version).arg(q.lastError().text()));
                }
            }
            auto rec = m_db.exec(QStringLiteral("INSERT INTO schema_migrations(version, name, applied_at) VALUES(?,?,?)"),
                                 {m.version, m.name, m_clock.nowMs()});
            return rec ? Status() : Status(rec.error());
        });
        if (!st)
            return st.error();
        now.append(m.version);
    }
    return now;
}

} // namespace kinbot
