#include "api/QuickSessionsController.h"

#include "api/MessagesController.h"
#include "engine/ConversationEngine.h"
#include "engine/MessageStore.h"
#include "engine/QuickSessionStore.h"
#include "events/EventBus.h"
#include "files/UploadStore.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "util/Clock.h"

namespace kinbot {

QuickSessionsController::QuickSessionsController(KinService &kins, QuickSessionStore &sessions, MessageStore &messages,
                                                 ConversationEngine &engine, EventBus &bus, const Clock &clock, UploadStore &uploads)
    : m_kins(kins), m_sessions(sessions), m_messages(messages), m_engine(engine), m_bus(bus), m_clock(clock), m_uploads(uploads)
{
}

Result<QuickSession> QuickSessionsController::owned(const ExchangePtr &ex) const
{
    auto s = m_sessions.find(ex->param("id"));
    if (!s)
        return s.error();
    if (!s.value())
        return ApiError::notFound(QStringLiteral("SESSION_NOT_FOUND"), QStringLiteral("No such quick session"));
    if (s.value()->createdBy != ex->principal.userId)
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("This quick session belongs to another user"));
    return *s.value();
}

void QuickSessionsController::list(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    const QString status = ex->hasQuery(QStringLiteral("status")) ? ex->queryValue(QStringLiteral("status")) : QStringLiteral("active");
    if (status != QLatin1String("active") && status != QLatin1String("closed") && status != QLatin1String("all"))
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_STATUS"), QStringLiteral("status must be active, closed or all")));
    const int limit = ex->hasQuery(QStringLiteral("limit")) ? qBound(1, ex->queryValue(QStringLiteral("limit")).toInt(), 50) : 20;
    const int offset = qMax(0, ex->queryValue(QStringLiteral("offset")).toInt());
    auto page = m_sessions.list(kin->id, ex->principal.userId, status, limit, offset);
    if (!page)
        return ex->fail(page.error());
    QJsonArray out;
    for (const QuickSession &s : page->sessions)
        out.append(QuickSessionStore::toJson(s, s.isActive() ? -1 : m_sessions.messageCount(s.id)));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("sessions"), out}, {QStringLiteral("hasMore"), page->hasMore}}));
}

void QuickSessionsController::create(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    auto body = ex->jsonObject(true);
    if (!body)
        return ex->fail(body.error());
    const QJsonValue title = body->value(QStringLiteral("title"));
    if (!title.isUndefined() && !title.isNull() && !title.isString())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_TITLE"), QStringLiteral("title must be a string")));
    ex->sendResult(m_sessions.create(kin->id, ex->principal.userId, title.toString().trimmed()),
                   [](const QuickSession &s) { return Reply::json(QuickSessionStore::toJson(s), 201); });
}

void QuickSessionsController::get(const ExchangePtr &ex)
{
    auto s = owned(ex);
    if (!s)
        return ex->fail(s.error());
    auto rows = m_messages.ofSession(s->id);
    if (!rows)
        return ex->fail(rows.error());
    auto kin = m_kins.resolve(s->kinId);
    const QString name = kin ? kin->name : QString();
    const QString avatar = kin ? m_kins.avatarUrl(kin.value()) : QString();
    QJsonArray items;
    for (const MessageRecord &m : rows.value()) {
        const bool fromKin = m.sourceType == QLatin1String("kin");
        QJsonObject item = m_messages.toJson(m, fromKin ? name : QString(), fromKin ? avatar : QString());
        if (m.metadata.contains(QStringLiteral("fileIds")))
            item.insert(QStringLiteral("files"), m_uploads.filesJsonOf(m.id));
        items.append(item);
    }
    ex->send(Reply::json(QJsonObject{{QStringLiteral("session"), QuickSessionStore::toJson(s.value())}, {QStringLiteral("messages"), items}}));
}

void QuickSessionsController::send(const ExchangePtr &ex)
{
    auto s = owned(ex);
    if (!s)
        return ex->fail(s.error());
    if (!s->isActive())
        return ex->fail(ApiError::conflict(QStringLiteral("SESSION_CLOSED"), QStringLiteral("This quick session is closed")));
    if (s->isExpired(m_clock.nowMs()))
        return ex->fail(ApiError::conflict(QStringLiteral("SESSION_EXPIRED"), QStringLiteral("This quick session has expired")));
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto in = MessagesController::parseIncoming(*body, kMaxContent, QStringLiteral("CONTENT_TOO_LONG"));
    if (!in)
        return ex->fail(in.error());
    if (Status st = m_uploads.checkAttachable(s->kinId, in->fileIds); !st)
        return ex->fail(st.error());
    QueueItem item;
    item.kinId = s->kinId;
    item.sessionId = s->id;
    item.messageType = QStringLiteral("user");
    item.content = in->content;
    item.sourceType = QStringLiteral("user");
    item.sourceId = ex->principal.userId;
    item.fileIds = in->fileIds;
    auto queued = m_engine.enqueue(item);
    if (!queued)
        return ex->fail(queued.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("messageId"), queued->id},
                                     {QStringLiteral("queuePosition"), m_engine.queueState(s->kinId).queueSize}},
                         202));
}

void QuickSessionsController::stop(const ExchangePtr &ex)
{
    auto s = owned(ex);
    if (!s)
        return ex->fail(s.error());
    if (!m_engine.stop(s->kinId, s->id))
        return ex->fail(ApiError::conflict(QStringLiteral("NOT_STREAMING"), QStringLiteral("Nothing is being generated in this session")));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

void QuickSessionsController::close(const ExchangePtr &ex)
{
    auto s = owned(ex);
    if (!s)
        return ex->fail(s.error());
    auto body = ex->jsonObject(true);
    if (!body)
        return ex->fail(body.error());
    const bool saveMemory = body->value(QStringLiteral("saveMemory")).toBool();
    const QString summary = body->value(QStringLiteral("memorySummary")).toString().trimmed();
    if (summary.size() > kMaxSummary)
        return ex->fail(ApiError::badRequest(QStringLiteral("SUMMARY_TOO_LONG"), QStringLiteral("The summary is limited to %1 characters").arg(kMaxSummary)));
    if (saveMemory && summary.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("SUMMARY_REQUIRED"), QStringLiteral("Saving a memory needs memorySummary")));
    if (saveMemory && s->isActive()) {
        if (!m_saveMemory)
            return ex->fail(ApiError::unprocessable(QStringLiteral("MEMORY_UNAVAILABLE"),
                                                    QStringLiteral("This installation cannot store memories yet; close without saveMemory")));
        if (Status st = m_saveMemory(s->kinId, s->title.isEmpty() ? QStringLiteral("Quick session") : s->title, summary); !st)
            return ex->fail(st.error());
    }
    auto closed = m_sessions.close(s->id);
    if (!closed)
        return ex->fail(closed.error());
    if (closed.value()) {
        m_engine.stop(s->kinId, s->id);
        m_bus.toKin(s->kinId, QStringLiteral("quick-session:closed"), {{QStringLiteral("sessionId"), s->id}});
    }
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

void QuickSessionsController::sweep()
{
    auto closed = m_sessions.sweep();
    if (!closed)
        return;
    for (const QString &id : closed.value()) {
        auto s = m_sessions.find(id);
        if (s && s.value()) {
            m_engine.stop(s.value()->kinId, id);
            m_bus.toKin(s.value()->kinId, QStringLiteral("quick-session:closed"), {{QStringLiteral("sessionId"), id}});
        }
    }
}

} // namespace kinbot
