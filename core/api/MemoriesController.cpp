#include "api/MemoriesController.h"

#include "http/Exchange.h"
#include "kins/KinService.h"
#include "memory/MemoryExtraction.h"
#include "memory/MemoryMaintenance.h"
#include "memory/MemoryService.h"
#include "settings/SettingsStore.h"

#include <QJsonArray>

namespace kinbot {

using memory::MemoryChange;
using memory::MemoryFilter;
using memory::MemoryRecord;

MemoriesController::MemoriesController(memory::MemoryService &memories, memory::MemoryMaintenance &maintenance, KinService &kins,
                                       SettingsStore &settings, QObject *parent)
    : QObject(parent), m_memories(memories), m_maintenance(maintenance), m_kins(kins), m_settings(settings)
{
}

Result<QString> MemoriesController::kinOfBody(const ExchangePtr &ex, bool required) const
{
    auto body = ex->jsonObject(!required);
    if (!body)
        return body.error();
    const QJsonValue v = body->value(QStringLiteral("kinId"));
    if (!v.isString() || v.toString().isEmpty()) {
        if (required) // the reference answers a bare string here; the envelope is kept
            return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("kinId is required"));
        return QString();
    }
    auto kin = m_kins.resolve(v.toString());
    if (!kin)
        return kin.error();
    return kin->id;
}

void MemoriesController::consolidate(const ExchangePtr &ex)
{
    auto kinId = kinOfBody(ex, true);
    if (!kinId)
        return ex->fail(kinId.error());
    m_maintenance.consolidate(kinId.value(), [ex](Result<int> removed) {
        ex->sendResult(removed, [](int n) { return Reply::json(QJsonObject{{QStringLiteral("removed"), n}}); });
    });
}

void MemoriesController::backfillImportance(const ExchangePtr &ex)
{
    auto kinId = kinOfBody(ex, false);
    if (!kinId)
        return ex->fail(kinId.error());
    m_maintenance.backfillImportance(kinId.value(), [ex](Result<QPair<int, int>> r) {
        ex->sendResult(r, [](const QPair<int, int> &c) {
            return Reply::json(QJsonObject{{QStringLiteral("updated"), c.first}, {QStringLiteral("skipped"), c.second}});
        });
    });
}

void MemoriesController::getExtraction(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("memoryExtraction"), m_settings.string(Setting::MemoryExtraction)}}));
}

void MemoriesController::putExtraction(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString mode = body->value(QStringLiteral("memoryExtraction")).toString();
    if (!memory::MemoryExtractor::parseWhen(mode))
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_INPUT"),
                                             QStringLiteral("memoryExtraction must be off, turns, compaction or both")));
    if (Status st = m_settings.set(Setting::MemoryExtraction, mode); !st)
        return ex->fail(st.error());
    getExtraction(ex);
}

namespace {

Result<int> limitParam(const Exchange &ex, int fallback, int max)
{
    if (!ex.hasQuery(QStringLiteral("limit")))
        return fallback;
    bool ok = false;
    const int n = ex.queryValue(QStringLiteral("limit")).toInt(&ok);
    if (!ok || n < 1 || n > max)
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("limit must be between 1 and %1").arg(max));
    return n;
}

Result<MemoryFilter> filterOf(const Exchange &ex, int defaultLimit)
{
    MemoryFilter f;
    f.category = ex.queryValue(QStringLiteral("category"));
    f.subject = ex.queryValue(QStringLiteral("subject"));
    f.scope = ex.queryValue(QStringLiteral("scope"));
    if (!f.category.isEmpty() && !MemoryRecord::isCategory(f.category))
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("category must be fact, preference, decision or knowledge"));
    if (!f.scope.isEmpty() && !MemoryRecord::isScope(f.scope))
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("scope must be private or shared"));
    auto limit = limitParam(ex, defaultLimit, 1000);
    if (!limit)
        return limit.error();
    f.limit = limit.value();
    return f;
}

QJsonArray toJson(const QList<MemoryRecord> &list)
{
    QJsonArray out;
    for (const MemoryRecord &m : list)
        out.append(m.toJson());
    return out;
}

// A string field of a patch: absent → unset; null allowed for the fields that can be cleared.
Status stringField(const QJsonObject &body, const QString &key, std::optional<QString> &into, bool nullable)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined())
        return {};
    if (v.isNull() && nullable) {
        into = QString();
        return {};
    }
    if (!v.isString())
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("%1 must be a string").arg(key));
    into = v.toString();
    return {};
}

Result<MemoryChange> changeOf(const QJsonObject &body)
{
    MemoryChange c;
    for (const auto &[key, into, nullable] : {std::tuple{QStringLiteral("content"), &c.content, false},
                                              std::tuple{QStringLiteral("category"), &c.category, false},
                                              std::tuple{QStringLiteral("subject"), &c.subject, true},
                                              std::tuple{QStringLiteral("scope"), &c.scope, false}})
        if (Status st = stringField(body, key, *into, nullable); !st)
            return st.error();
    const QJsonValue imp = body.value(QStringLiteral("importance"));
    if (!imp.isUndefined()) {
        if (!imp.isDouble())
            return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("importance must be a number from 1 to 10"));
        c.importance = imp.toDouble();
    }
    return c;
}

} // namespace

void MemoriesController::listOfKin(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param(QStringLiteral("id")));
    if (!kin)
        return ex->fail(kin.error());
    auto filter = filterOf(*ex, 50);
    if (!filter)
        return ex->fail(filter.error());
    filter.value().kinId = kin->id;
    ex->sendResult(m_memories.list(filter.value()), [](const QList<MemoryRecord> &l) {
        return Reply::json(QJsonObject{{QStringLiteral("memories"), toJson(l)}});
    });
}

Result<QPair<QString, MemoryChange>> MemoriesController::kinAndChange(const ExchangePtr &ex) const
{
    auto kin = m_kins.resolve(ex->param(QStringLiteral("id")));
    if (!kin)
        return kin.error();
    auto body = ex->jsonObject();
    if (!body)
        return body.error();
    auto change = changeOf(body.value());
    if (!change)
        return change.error();
    return qMakePair(kin->id, change.value());
}

void MemoriesController::createForKin(const ExchangePtr &ex)
{
    auto input = kinAndChange(ex);
    if (!input)
        return ex->fail(input.error());
    const QString kinId = input->first;
    const MemoryChange *change = &input->second;
    MemoryRecord m;
    m.kinId = kinId;
    m.content = change->content.value_or(QString());
    m.category = change->category.value_or(QString());
    m.subject = change->subject.value_or(QString());
    m.scope = change->scope.value_or(QStringLiteral("private"));
    m.importance = change->importance;
    m.sourceChannel = QStringLiteral("explicit");
    ex->sendResult(m_memories.create(m), [](const MemoryRecord &r) {
        return Reply::json(QJsonObject{{QStringLiteral("memory"), r.toJson()}}, 201);
    });
}

void MemoriesController::updateOfKin(const ExchangePtr &ex)
{
    auto input = kinAndChange(ex);
    if (!input)
        return ex->fail(input.error());
    ex->sendResult(m_memories.update(ex->param(QStringLiteral("memoryId")), input->first, input->second), [](const MemoryRecord &r) {
        return Reply::json(QJsonObject{{QStringLiteral("memory"), r.toJson()}});
    });
}

void MemoriesController::removeOfKin(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param(QStringLiteral("id")));
    if (!kin)
        return ex->fail(kin.error());
    ex->sendSuccess(m_memories.remove(ex->param(QStringLiteral("memoryId")), kin->id));
}

void MemoriesController::searchOfKin(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param(QStringLiteral("id")));
    if (!kin)
        return ex->fail(kin.error());
    auto limit = limitParam(*ex, 10, 50);
    if (!limit)
        return ex->fail(limit.error());
    memory::MemorySearchOptions o;
    o.limit = limit.value();
    m_memories.search(kin->id, ex->queryValue(QStringLiteral("q")), o, this, [ex](Result<QList<memory::ScoredMemory>> found) {
        ex->sendResult(found, [](const QList<memory::ScoredMemory> &list) {
            QJsonArray out;
            for (const memory::ScoredMemory &s : list) {
                QJsonObject m = s.memory.toJson();
                m.insert(QStringLiteral("score"), s.score);
                if (!s.authorKinName.isEmpty())
                    m.insert(QStringLiteral("authorKinName"), s.authorKinName);
                out.append(m);
            }
            return Reply::json(QJsonObject{{QStringLiteral("memories"), out}});
        });
    });
}

void MemoriesController::listAll(const ExchangePtr &ex)
{
    auto filter = filterOf(*ex, 100);
    if (!filter)
        return ex->fail(filter.error());
    if (const QString kinId = ex->queryValue(QStringLiteral("kinId")); !kinId.isEmpty()) {
        auto kin = m_kins.resolve(kinId);
        if (!kin)
            return ex->fail(kin.error());
        filter.value().kinId = kin->id;
    }
    ex->sendResult(m_memories.list(filter.value()), [](const QList<MemoryRecord> &l) {
        return Reply::json(QJsonObject{{QStringLiteral("memories"), toJson(l)}});
    });
}

void MemoriesController::reembed(const ExchangePtr &ex)
{
    auto kinId = kinOfBody(ex, false);
    if (!kinId)
        return ex->fail(kinId.error());
    m_memories.reembed(kinId.value(), this, [ex](Result<memory::MemoryService::ReembedReport> r) {
        ex->sendResult(r, [](const memory::MemoryService::ReembedReport &rep) {
            return Reply::json(QJsonObject{{QStringLiteral("total"), rep.total}, {QStringLiteral("success"), rep.success},
                                           {QStringLiteral("failed"), rep.failed}});
        });
    });
}

} // namespace kinbot
