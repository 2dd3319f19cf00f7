#include "api/NotificationsController.h"

#include "http/Exchange.h"
#include "notifications/NotificationService.h"

#include <QJsonArray>

namespace kinbot {

namespace {

// An optional integer query parameter: fallback when absent, an error when not a whole number ≥ min.
Result<int> intParam(const Exchange &ex, const QString &name, int fallback, int min)
{
    if (!ex.hasQuery(name) || ex.queryValue(name).isEmpty())
        return fallback;
    bool ok = false;
    const int v = ex.queryValue(name).toInt(&ok);
    if (!ok || v < min)
        return ApiError::validation(QStringLiteral("%1 must be a whole number of at least %2").arg(name).arg(min));
    return v;
}

Reply success() { return Reply::json(QJsonObject{{QStringLiteral("success"), true}}); }

} // namespace

NotificationsController::NotificationsController(NotificationService &notifications, QObject *parent)
    : QObject(parent), m_notifications(notifications)
{
}

void NotificationsController::list(const ExchangePtr &ex)
{
    auto limit = intParam(*ex, QStringLiteral("limit"), 20, 1);
    if (!limit)
        return ex->fail(limit.error());
    auto offset = intParam(*ex, QStringLiteral("offset"), 0, 0);
    if (!offset)
        return ex->fail(offset.error());
    const bool unreadOnly = ex->queryValue(QStringLiteral("unreadOnly")) == QLatin1String("true");
    auto page = m_notifications.list(ex->principal.userId, unreadOnly, qMin(limit.value(), 100), offset.value());
    ex->sendResult(page, [](const NotificationPage &p) {
        QJsonArray items;
        for (const QJsonObject &n : p.items)
            items.append(n);
        return Reply::json(QJsonObject{{QStringLiteral("notifications"), items},
                                       {QStringLiteral("unreadCount"), p.unreadCount},
                                       {QStringLiteral("total"), p.total},
                                       {QStringLiteral("hasMore"), p.hasMore}});
    });
}

void NotificationsController::unreadCount(const ExchangePtr &ex)
{
    ex->sendResult(m_notifications.unreadCount(ex->principal.userId),
                   [](int n) { return Reply::json(QJsonObject{{QStringLiteral("unreadCount"), n}}); });
}

void NotificationsController::markRead(const ExchangePtr &ex)
{
    auto marked = m_notifications.markRead(ex->principal.userId, ex->param(QStringLiteral("id")));
    if (!marked)
        return ex->fail(marked.error());
    if (!marked.value())
        return ex->fail(ApiError::notFound(QStringLiteral("NOTIFICATION_NOT_FOUND"), QStringLiteral("Notification not found")));
    ex->send(success());
}

void NotificationsController::markAllRead(const ExchangePtr &ex)
{
    ex->sendResult(m_notifications.markAllRead(ex->principal.userId), [](int) { return success(); });
}

void NotificationsController::remove(const ExchangePtr &ex)
{
    ex->sendResult(m_notifications.remove(ex->principal.userId, ex->param(QStringLiteral("id"))), [](bool) { return success(); });
}

} // namespace kinbot
