#include "events/EventBus.h"

namespace kinbot {

QJsonObject Event::wire() const
{
    QJsonObject o;
    o.insert(QStringLiteral("type"), type);
    if (!kinId.isEmpty())
        o.insert(QStringLiteral("kinId"), kinId);
    for (auto it = payload.begin(); it != payload.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

EventBus::EventBus(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<kinbot::Event>();
}

void EventBus::publish(const Event &event)
{
    Q_EMIT published(event);
}

void EventBus::broadcast(const QString &type, const QJsonObject &payload)
{
    publish(Event{type, EventScope::Broadcast, {}, {}, payload});
}

void EventBus::toKin(const QString &kinId, const QString &type, const QJsonObject &payload)
{
    publish(Event{type, EventScope::Kin, kinId, {}, payload});
}

void EventBus::toUser(const QString &userId, const QString &type, const QJsonObject &payload)
{
    publish(Event{type, EventScope::User, {}, userId, payload});
}

void EventBus::toAdmins(const QString &type, const QJsonObject &payload)
{
    publish(Event{type, EventScope::Admins, {}, {}, payload});
}

} // namespace kinbot
