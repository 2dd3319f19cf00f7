#include "webhooks/WebhookStore.h"

#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot {

static const QString kColumns = QStringLiteral(
    "id, kin_id, name, token_hash, description, is_active, last_triggered_at, trigger_count, filter_mode, filter_field, "
    "filter_allowed_values, filter_expression, dispatch_mode, task_title_template, task_prompt_template, max_concurrent_tasks, "
    "created_by, created_at, updated_at");

static const QString kLogColumns = QStringLiteral("id, webhook_id, payload, source_ip, filtered, created_at");

static QStringList valuesFromJson(const QString &text)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        out.append(v.toString());
    return out;
}

static WebhookRecord fromRow(const Database::Row &r)
{
    WebhookRecord w;
    w.id = r.value(0).toString();
    w.kinId = r.value(1).toString();
    w.name = r.value(2).toString();
    w.tokenHash = r.value(3).toString();
    w.description = r.value(4).toString();
    w.isActive = r.value(5).toLongLong() != 0;
    w.lastTriggeredAt = r.value(6).toLongLong();
    w.triggerCount = r.value(7).toInt();
    w.filter.mode = filterModeFromName(r.value(8).toString()).value_or(WebhookFilterMode::None);
    w.filter.field = r.value(9).toString();
    w.filter.allowedValues = valuesFromJson(r.value(10).toString());
    w.filter.expression = r.value(11).toString();
    w.dispatchMode = r.value(12).toString();
    w.taskTitleTemplate = r.value(13).toString();
    w.taskPromptTemplate = r.value(14).toString();
    w.maxConcurrentTasks = r.value(15).toInt();
    w.createdBy = r.value(16).toString();
    w.createdAt = r.value(17).toLongLong();
    w.updatedAt = r.value(18).toLongLong();
    return w;
}

static WebhookLog logFromRow(const Database::Row &r)
{
    return {r.value(0).toString(), r.value(1).toString(), r.value(2).toString(),
            r.value(3).toString(), r.value(4).toLongLong() != 0, r.value(5).toLongLong()};
}

static QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

static QVariant orNull(qint64 v)
{
    return v == 0 ? QVariant() : QVariant(v);
}

// The filter's columns, in table order: mode, field, allowed values (JSON), expression. NULL when unused.
static QVariantList filterColumns(const WebhookFilter &f)
{
    const bool simple = f.mode == WebhookFilterMode::Simple;
    const bool advanced = f.mode == WebhookFilterMode::Advanced;
    return {orNull(filterModeName(f.mode)), simple ? orNull(f.field) : QVariant(),
            simple ? QVariant(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(f.allowedValues)).toJson(QJsonDocument::Compact)))
                   : QVariant(),
            advanced ? orNull(f.expression) : QVariant()};
}

static Status ok(const Result<int> &r)
{
    if (!r)
        return r.error();
    return {};
}

Status WebhookStore::insert(const WebhookRecord &w)
{
    QVariantList values{w.id, w.kinId, w.name, w.tokenHash, orNull(w.description), int(w.isActive), orNull(w.lastTriggeredAt),
                        w.triggerCount};
    values += filterColumns(w.filter);
    values += QVariantList{w.dispatchMode, orNull(w.taskTitleTemplate), orNull(w.taskPromptTemplate), w.maxConcurrentTasks,
                           w.createdBy, w.createdAt, w.updatedAt};
    return ok(m_db.run(QStringLiteral("INSERT INTO webhooks (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                           .arg(kColumns),
                       values));
}

Status WebhookStore::update(const WebhookRecord &w)
{
    QVariantList values{w.name, orNull(w.description), int(w.isActive)};
    values += filterColumns(w.filter);
    values += QVariantList{w.dispatchMode, orNull(w.taskTitleTemplate), orNull(w.taskPromptTemplate), w.maxConcurrentTasks, w.updatedAt,
                           w.id};
    return ok(m_db.run(QStringLiteral("UPDATE webhooks SET name = ?, description = ?, is_active = ?, filter_mode = ?, filter_field = ?, "
                                      "filter_allowed_values = ?, filter_expression = ?, dispatch_mode = ?, task_title_template = ?, "
                                      "task_prompt_template = ?, max_concurrent_tasks = ?, updated_at = ? WHERE id = ?"),
                       values));
}

Status WebhookStore::setTokenHash(const QString &id, const QString &tokenHash, qint64 updatedAt)
{
    return ok(m_db.run(QStringLiteral("UPDATE webhooks SET token_hash = ?, updated_at = ? WHERE id = ?"), {tokenHash, updatedAt, id}));
}

Status WebhookStore::recordTrigger(const QString &id, qint64 at)
{
    return ok(m_db.run(QStringLiteral("UPDATE webhooks SET trigger_count = trigger_count + 1, last_triggered_at = ? WHERE id = ?"), {at, id}));
}

Result<bool> WebhookStore::remove(const QString &id)
{
    auto r = m_db.run(QStringLiteral("DELETE FROM webhooks WHERE id = ?"), {id});
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<std::optional<WebhookRecord>> WebhookStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM webhooks WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<QList<WebhookRecord>> WebhookStore::list(const QString &kinId) const
{
    if (kinId.isEmpty())
        return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM webhooks ORDER BY created_at, rowid").arg(kColumns)), fromRow);
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM webhooks WHERE kin_id = ? ORDER BY created_at, rowid").arg(kColumns), {kinId}),
                   fromRow);
}

Result<int> WebhookStore::countForKin(const QString &kinId) const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT count(*) FROM webhooks WHERE kin_id = ?"), {kinId});
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toInt() : 0;
}

Status WebhookStore::addLog(const WebhookLog &log, int keepPerWebhook)
{
    return m_db.transaction([&]() -> Status {
        if (Status st = ok(m_db.run(QStringLiteral("INSERT INTO webhook_logs (%1) VALUES (?, ?, ?, ?, ?, ?)").arg(kLogColumns),
                                    {log.id, log.webhookId, log.payload, orNull(log.sourceIp), int(log.filtered), log.createdAt}));
            !st)
            return st;
        return ok(m_db.run(QStringLiteral("DELETE FROM webhook_logs WHERE webhook_id = ?1 AND id NOT IN (SELECT id FROM webhook_logs "
                                          "WHERE webhook_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)"),
                           {log.webhookId, keepPerWebhook}));
    });
}

Result<QList<WebhookLog>> WebhookStore::logs(const QString &webhookId, int limit) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM webhook_logs WHERE webhook_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?")
                                      .arg(kLogColumns),
                                  {webhookId, limit}),
                   logFromRow);
}

Result<int> WebhookStore::filteredCount(const QString &webhookId) const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT count(*) FROM webhook_logs WHERE webhook_id = ? AND filtered = 1"), {webhookId});
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toInt() : 0;
}

Result<QHash<QString, int>> WebhookStore::filteredCounts() const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT webhook_id, count(*) FROM webhook_logs WHERE filtered = 1 GROUP BY webhook_id"));
    if (!rows)
        return rows.error();
    QHash<QString, int> out;
    for (const Database::Row &r : rows.value())
        out.insert(r.value(0).toString(), r.value(1).toInt());
    return out;
}

Result<int> WebhookStore::pruneLogs(qint64 olderThanMs, int keepPerWebhook)
{
    int removed = 0;
    Status st = m_db.transaction([&]() -> Status {
        auto old = m_db.run(QStringLiteral("DELETE FROM webhook_logs WHERE created_at < ?"), {olderThanMs});
        if (!old)
            return old.error();
        auto extra = m_db.run(QStringLiteral("DELETE FROM webhook_logs WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
                                             "(PARTITION BY webhook_id ORDER BY created_at DESC, rowid DESC) AS n FROM webhook_logs) "
                                             "WHERE n > ?)"),
                              {keepPerWebhook});
        if (!extra)
            return extra.error();
        removed = old.value() + extra.value();
        return {};
    });
    if (!st)
        return st.error();
    return removed;
}

} // namespace kinbot
