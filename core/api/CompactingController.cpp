#include "api/CompactingController.h"

#include "compacting/CompactingService.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"

namespace kinbot {

static const QString kSuccess = QStringLiteral("success");

CompactingController::CompactingController(KinService &kins, CompactingService &compacting) : m_kins(kins), m_compacting(compacting) {}

void CompactingController::run(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    m_compacting.runNow(kin.value(), [ex](Result<CompactingService::RunResult> r) {
        ex->sendResult(r, [](const CompactingService::RunResult &res) {
            return Reply::json(QJsonObject{{kSuccess, true},
                                           {QStringLiteral("summary"), res.summary},
                                           {QStringLiteral("memoriesExtracted"), res.memoriesExtracted}});
        });
    });
}

void CompactingController::purge(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    if (Status st = m_compacting.purge(kin->id); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{kSuccess, true}}));
}

void CompactingController::summaries(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    ex->sendResult(m_compacting.summaries(kin->id), [](const QList<SummaryRecord> &all) {
        QJsonArray out;
        for (const SummaryRecord &s : all)
            out.append(s.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("summaries"), out}});
    });
}

void CompactingController::snapshots(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    ex->sendResult(m_compacting.snapshots(kin->id),
                   [](const QJsonArray &all) { return Reply::json(QJsonObject{{QStringLiteral("snapshots"), all}}); });
}

void CompactingController::rollback(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    auto body = ex->jsonObject(true);
    if (!body)
        return ex->fail(body.error());
    QString id = body->value(QStringLiteral("summaryId")).toString();
    if (id.isEmpty())
        id = body->value(QStringLiteral("snapshotId")).toString();
    if (id.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("MISSING_PARAM"), QStringLiteral("summaryId (or snapshotId) is required")));
    ex->sendResult(m_compacting.rollback(kin->id, id), [](int archived) {
        return Reply::json(QJsonObject{{kSuccess, true}, {QStringLiteral("archivedCount"), archived}});
    });
}

} // namespace kinbot
