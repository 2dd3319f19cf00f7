#include "api/MessagesController.h"

#include "engine/ConversationEngine.h"
#include "engine/MessageStore.h"
#include "engine/QueueStore.h"
#include "events/EventBus.h"
#include "files/UploadStore.h"
#include "http/Multipart.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "notifications/Mentions.h"

#include <QUuid>

namespace kinbot {

static const QString kOk = QStringLiteral("ok");

MessagesController::MessagesController(KinService &kins, MessageStore &messages, QueueStore &queue, ConversationEngine &engine,
                                       EventBus &bus, const Database &db, NotificationService &notifications, UploadStore &uploads)
    : m_kins(kins), m_messages(messages), m_queue(queue), m_engine(engine), m_bus(bus), m_db(db), m_notifications(notifications),
      m_uploads(uploads)
{
}

Result<MessagesController::Incoming> MessagesController::parseIncoming(const QJsonObject &body, int maxLength, const QString &tooLongCode)
{
    Incoming in;
    const QJsonValue content = body.value(QStringLiteral("content"));
    if (!content.isUndefined() && !content.isNull() && !content.isString())
        return ApiError::badRequest(QStringLiteral("INVALID_CONTENT"), QStringLiteral("content must be a string"));
    in.content = content.toString();
    const QJsonValue files = body.value(QStringLiteral("fileIds"));
    if (!files.isUndefined() && !files.isNull()) {
        if (!files.isArray())
            return ApiError::badRequest(QStringLiteral("INVALID_FILE_ID"), QStringLiteral("fileIds must be an array of ids"));
        if (files.toArray().size() > kMaxFiles)
            return ApiError::badRequest(QStringLiteral("TOO_MANY_FILES"), QStringLiteral("At most %1 files per message").arg(kMaxFiles));
        for (const QJsonValue &v : files.toArray()) {
            if (!v.isString() || QUuid::fromString(v.toString()).isNull())
                return ApiError::badRequest(QStringLiteral("INVALID_FILE_ID"), QStringLiteral("fileIds must hold upload ids"));
            in.fileIds.append(v.toString());
        }
    }
    if (in.content.trimmed().isEmpty() && in.fileIds.isEmpty())
        return ApiError::badRequest(QStringLiteral("EMPTY_MESSAGE"), QStringLiteral("A message needs text or files"));
    if (in.content.size() > maxLength)
        return ApiError::badRequest(tooLongCode, QStringLiteral("A message is limited to %1 characters").arg(maxLength));
    return in;
}

void MessagesController::list(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    int limit = 50;
    if (ex->hasQuery(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ex->queryValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1)
            return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_LIMIT"), QStringLiteral("limit must be a positive integer")));
        limit = qMin(limit, int(MessageStore::kMaxPage));
    }
    auto page = m_messages.page(kin->id, ex->queryValue(QStringLiteral("before")), limit);
    if (!page)
        return ex->fail(page.error());
    const QString kinAvatar = m_kins.avatarUrl(kin.value());
    QHash<QString, std::pair<QString, QString>> kinSources;
    QJsonArray items;
    for (const MessageRecord &m : page->messages) {
        QString name, avatar;
        if (m.sourceType == QLatin1String("kin") && !m.sourceId.isEmpty()) {
            if (m.sourceId == kin->id) {
                name = kin->name;
                avatar = kinAvatar;
            } else {
                if (!kinSources.contains(m.sourceId)) {
                    auto other = m_kins.resolve(m.sourceId);
                    kinSources.insert(m.sourceId, other ? std::make_pair(other->name, m_kins.avatarUrl(other.value()))
                                                        : std::make_pair(QString(), QString()));
                }
                std::tie(name, avatar) = kinSources.value(m.sourceId);
            }
        }
        QJsonObject item = m_messages.toJson(m, name, avatar);
        if (m.metadata.contains(QStringLiteral("fileIds")))
            item.insert(QStringLiteral("files"), m_uploads.filesJsonOf(m.id));
        items.append(item);
    }
    ex->send(Reply::json(QJsonObject{{QStringLiteral("messages"), items}, {QStringLiteral("hasMore"), page->hasMore}}));
}

void MessagesController::send(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto in = parseIncoming(*body, kMaxMessageLength, QStringLiteral("MESSAGE_TOO_LONG"));
    if (!in)
        return ex->fail(in.error());
    if (Status st = m_uploads.checkAttachable(kin->id, in->fileIds); !st)
        return ex->fail(st.error());
    QueueItem item;
    item.kinId = kin->id;
    item.messageType = QStringLiteral("user");
    item.content = in->content;
    item.sourceType = QStringLiteral("user");
    item.sourceId = ex->principal.userId;
    item.priority = QueueStore::kPriorityUser;
    item.fileIds = in->fileIds;
    auto queued = m_engine.enqueue(item);
    if (!queued)
        return ex->fail(queued.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("messageId"), queued->id}, {QStringLiteral("queuePosition"), m_queue.pendingCount(kin->id)}},
                         202));
    Mentions::notify(m_db, m_notifications, ex->principal.userId, kin->id, kin->name, in->content);
}

void MessagesController::stop(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    if (!m_engine.stop(kin->id))
        return ex->fail(ApiError::conflict(QStringLiteral("NOT_STREAMING"), QStringLiteral("The Kin is not generating a reply")));
    ex->send(Reply::json(QJsonObject{{kOk, true}}));
}

void MessagesController::clear(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    if (m_engine.isBusy(kin->id))
        return ex->fail(ApiError::conflict(QStringLiteral("KIN_BUSY"), QStringLiteral("Stop the running reply before clearing the conversation")));
    if (m_engine.isMainPaused(kin->id)) // compacting: its summary would name messages about to vanish
        return ex->fail(ApiError::conflict(QStringLiteral("KIN_BUSY"), QStringLiteral("Wait for the compaction to finish before clearing the conversation")));
    if (Status st = m_uploads.removeForKinMessages(kin->id); !st)
        return ex->fail(st.error());
    if (Status st = m_messages.clearMain(kin->id); !st)
        return ex->fail(st.error());
    m_bus.toKin(kin->id, QStringLiteral("chat:cleared"));
    ex->send(Reply::json(QJsonObject{{kOk, true}}));
}

void MessagesController::queue(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    ex->sendResult(m_queue.pending(kin->id), [](const QList<QueueItem> &items) {
        QJsonArray out;
        for (const QueueItem &i : items)
            out.append(i.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("items"), out}});
    });
}

void MessagesController::removeQueued(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return ex->fail(kin.error());
    auto removed = m_queue.removePending(kin->id, ex->param("itemId"));
    if (!removed)
        return ex->fail(removed.error());
    if (!removed.value())
        return ex->fail(ApiError::notFound(QStringLiteral("QUEUE_ITEM_NOT_FOUND"), QStringLiteral("No pending queue item with this id")));
    m_engine.announceQueue(kin->id);
    ex->send(Reply::json(QJsonObject{{kOk, true}}));
}

Result<MessageRecord> MessagesController::messageOf(const ExchangePtr &ex) const
{
    auto kin = m_kins.resolve(ex->param("kinId"));
    if (!kin)
        return kin.error();
    auto msg = m_messages.find(kin->id, ex->param("messageId"));
    if (!msg)
        return msg.error();
    if (!msg.value())
        return ApiError::notFound(QStringLiteral("MESSAGE_NOT_FOUND"), QStringLiteral("No such message"));
    return *msg.value();
}

void MessagesController::reactions(const ExchangePtr &ex)
{
    auto msg = messageOf(ex);
    if (!msg)
        return ex->fail(msg.error());
    ex->sendResult(m_messages.reactions(msg->id),
                   [](const QJsonArray &r) { return Reply::json(QJsonObject{{QStringLiteral("reactions"), r}}); });
}

void MessagesController::react(const ExchangePtr &ex)
{
    auto msg = messageOf(ex);
    if (!msg)
        return ex->fail(msg.error());
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString emoji = body->value(QStringLiteral("emoji")).toString();
    if (!MessageStore::isAllowedEmoji(emoji))
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_EMOJI"), QStringLiteral("emoji must be one of 👍 ❤️ 😂 😮 😢 🎉")));
    auto toggled = m_messages.toggleReaction(msg->id, ex->principal.userId, emoji);
    if (!toggled)
        return ex->fail(toggled.error());
    const QJsonObject event{{QStringLiteral("messageId"), msg->id},
                            {QStringLiteral("userId"), ex->principal.userId},
                            {QStringLiteral("userName"), ex->principal.name},
                            {QStringLiteral("emoji"), emoji},
                            {QStringLiteral("reactionId"), toggled->reactionId}};
    m_bus.toKin(msg->kinId, toggled->added ? QStringLiteral("reaction:added") : QStringLiteral("reaction:removed"), event);
    ex->send(Reply::json(QJsonObject{{QStringLiteral("action"), toggled->added ? QStringLiteral("added") : QStringLiteral("removed")},
                                     {QStringLiteral("reactionId"), toggled->reactionId}}));
}

void MessagesController::upload(const ExchangePtr &ex)
{
    auto form = MultipartForm::parse(*ex);
    if (!form)
        return ex->fail(form.error());
    const MultipartPart *file = form->part(QStringLiteral("file"));
    if (!file || !file->isFile())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_FILE"), QStringLiteral("A 'file' part is required")));
    const MultipartPart *kinPart = form->part(QStringLiteral("kinId"));
    if (!kinPart)
        return ex->fail(ApiError::validation(QStringLiteral("kinId is required")));
    auto kin = m_kins.resolve(QString::fromUtf8(kinPart->data).trimmed());
    if (!kin)
        return ex->fail(kin.error());
    ex->sendResult(m_uploads.store(kin->id, ex->principal.userId, file->fileName, file->data),
                   [](const UploadedFile &f) { return Reply::json(QJsonObject{{QStringLiteral("file"), f.toJson()}}, 201); });
}

} // namespace kinbot
