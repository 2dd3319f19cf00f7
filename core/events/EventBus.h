#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

namespace kinbot {

// Admins: only admins' connections (platform logs — the reference shows them to every member).
enum class EventScope { Broadcast, Kin, User, Admins };

// A domain event. On the wire (SSE) it is flat: {type, kinId?, ...payload}, the payload spread last as the reference does.
struct Event
{
    QString type;
    EventScope scope = EventScope::Broadcast;
    QString kinId;  // Kin scope: added to the wire object
    QString userId; // User scope: only that user's connections receive it
    QJsonObject payload;

    QJsonObject wire() const;
};

// Typed domain events → subscribers (the SSE hub, the desktop notifier, tests). Thread-safe: publish from any thread;
// receivers living on another thread get it queued.
class EventBus final : public QObject
{
    Q_OBJECT
public:
    explicit EventBus(QObject *parent = nullptr);

    void publish(const Event &event);
    void broadcast(const QString &type, const QJsonObject &payload = {});
    void toKin(const QString &kinId, const QString &type, const QJsonObject &payload = {});
    void toUser(const QString &userId, const QString &type, const QJsonObject &payload = {});
    void toAdmins(const QString &type, const QJsonObject &payload = {});

Q_SIGNALS:
    void published(const kinbot::Event &event);
};

} // namespace kinbot

Q_DECLARE_METATYPE(kinbot::Event)
