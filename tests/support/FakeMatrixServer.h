#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

class QHttpServer;

namespace kinbot::test {

// A scripted Matrix homeserver (client-server API v3) on loopback. Every request needs "Authorization: Bearer <valid
// token>", else 401 M_UNKNOWN_TOKEN. whoami answers the bot's user id; /sync without `since` answers at once with the
// room history pushed so far (it ignores the filter, like the worst homeserver would) and the pending invites; with
// `since` it answers the messages pushed since, or holds the request (long polling) until one is pushed or holdMs passed;
// send answers a new event id; typing and join answer {}. Records every call.
class FakeMatrixServer final : public QObject
{
    Q_OBJECT
public:
    struct Call
    {
        QString verb;
        QString path; // decoded, without the query
        QString query;
        QJsonObject body;
    };

    FakeMatrixServer(QString validToken, QString botUserId, QObject *parent = nullptr);
    ~FakeMatrixServer() override;

    bool listen();
    QString baseUrl() const;
    // A text message from sender in a room (its member state carries displayName when given) → its event id.
    QString pushMessage(const QString &roomId, const QString &sender, const QString &body, const QString &displayName = {},
                        const QString &msgtype = QStringLiteral("m.text"));
    void pushInvite(const QString &roomId);
    // Calls whose path contains pathPart (all when empty), oldest first.
    QList<Call> calls(const QString &pathPart = {}) const;
    bool waitForCalls(const QString &pathPart, int count, int timeoutMs = 10000) const;
    int holdMs = 300;
    bool failSync = false; // /sync answers 502 (a proxy in the way)

private:
    struct Held;
    struct Pending
    {
        QString roomId;
        QJsonObject event;
        QString displayName;
    };
    QJsonObject takeSync();
    void answerHeld();

    QHttpServer *m_server;
    quint16 m_port = 0;
    QString m_validToken;
    QString m_botUserId;
    QList<Call> m_calls;
    QList<Pending> m_pending;
    QStringList m_invites;
    QList<std::shared_ptr<Held>> m_held;
    int m_batch = 1;
    int m_nextEvent = 1;
};

} // namespace kinbot::test
