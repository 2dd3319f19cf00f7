#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class NotificationService;

// /api/notifications (rest.md §3.18): the calling user's notifications. Nothing here reaches another user's rows.
class NotificationsController final : public QObject
{
    Q_OBJECT
public:
    explicit NotificationsController(NotificationService &notifications, QObject *parent = nullptr);

    // GET ?unreadOnly=true&limit=1..100 (20)&offset=0 → {notifications, unreadCount, total, hasMore}
    void list(const ExchangePtr &ex);
    // GET /unread-count → {unreadCount}
    void unreadCount(const ExchangePtr &ex);
    // PATCH /:id/read → {success:true} + notification:read; 404 NOTIFICATION_NOT_FOUND when it is not the caller's
    void markRead(const ExchangePtr &ex);
    // POST /mark-all-read → {success:true} + notification:read-all
    void markAllRead(const ExchangePtr &ex);
    // DELETE /:id → {success:true}, also for an unknown id (as the reference); never another user's row
    void remove(const ExchangePtr &ex);

private:
    NotificationService &m_notifications;
};

} // namespace kinbot
