#pragma once

#include "http/Route.h"
#include "util/Result.h"

#include <QStringList>

namespace kinbot {

class ConversationEngine;
class EventBus;
class KinService;
class Database;
class MessageStore;
struct MessageRecord;
class NotificationService;
class QueueStore;
class UploadStore;

// /api/kins/:kinId/messages: the main conversation — history pages, sending (queued), stop, clear, the queue, reactions.
class MessagesController final
{
public:
    static constexpr int kMaxMessageLength = 32000;
    static constexpr int kMaxFiles = 10;

    MessagesController(KinService &kins, MessageStore &messages, QueueStore &queue, ConversationEngine &engine, EventBus &bus,
                       const Database &db, NotificationService &notifications, UploadStore &uploads);

    void list(const ExchangePtr &ex);
    void send(const ExchangePtr &ex);
    void stop(const ExchangePtr &ex);
    void clear(const ExchangePtr &ex);
    void queue(const ExchangePtr &ex);
    void removeQueued(const ExchangePtr &ex);
    void reactions(const ExchangePtr &ex);
    void react(const ExchangePtr &ex);
    // POST /api/files/upload: multipart `file` + `kinId` → a chat attachment to name in a message's fileIds.
    void upload(const ExchangePtr &ex);

    // {content, fileIds?} → the validated content and file ids (shared with quick sessions, which allow more text).
    struct Incoming
    {
        QString content;
        QStringList fileIds;
    };
    static Result<Incoming> parseIncoming(const QJsonObject &body, int maxLength, const QString &tooLongCode);

private:
    // The Kin's message named by the path (:kinId, :messageId): 404 KIN_NOT_FOUND / MESSAGE_NOT_FOUND.
    Result<MessageRecord> messageOf(const ExchangePtr &ex) const;

    KinService &m_kins;
    MessageStore &m_messages;
    QueueStore &m_queue;
    ConversationEngine &m_engine;
    EventBus &m_bus;
    const Database &m_db;
    NotificationService &m_notifications;
    UploadStore &m_uploads;
};

} // namespace kinbot
