#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QHash>
#include <QQueue>
#include <QString>

#include <memory>

class QHttpServer;

namespace kinbot::test {

// A scripted Telegram Bot API on loopback: POST /bot<token>/<method> with a JSON body. getMe accepts one token (a token
// starting with "502:" gets a plain-text 502, as from a proxy);
// setWebhook, deleteWebhook, sendChatAction answer ok; sendMessage answers a new message_id; getUpdates answers the
// pushed updates at once, or holds the request (long polling) until one is pushed or holdMs passed, then answers [].
class FakeTelegramServer final : public QObject
{
    Q_OBJECT
public:
    struct Call
    {
        QString token;
        QString method;
        QJsonObject body; // JSON body, or the text fields of a multipart one (JSON-looking values parsed)
        QString fileName; // multipart: the file's name, type and bytes
        QString fileType;
        QByteArray fileBytes;
    };

    explicit FakeTelegramServer(QString validToken, QObject *parent = nullptr);
    ~FakeTelegramServer() override;

    bool listen();
    QString baseUrl() const;
    // An Update; its update_id is assigned here.
    void pushUpdate(const QJsonObject &update);
    // A file the bot can fetch (getFile, then /file/bot<token>/<file_path>).
    void addFile(const QString &fileId, const QByteArray &bytes) { m_files.insert(fileId, bytes); }
    // Calls of one method (all when empty), oldest first.
    QList<Call> calls(const QString &method = {}) const;
    bool waitForCalls(const QString &method, int count, int timeoutMs = 10000) const;
    int holdMs = 300;

private:
    struct Held;
    void answerHeld();

    QHttpServer *m_server;
    quint16 m_port = 0;
    QString m_validToken;
    QList<Call> m_calls;
    QQueue<QJsonObject> m_updates;
    QHash<QString, QByteArray> m_files;
    QList<std::shared_ptr<Held>> m_held;
    qint64 m_nextUpdateId = 1000;
    qint64 m_nextMessageId = 500;
};

} // namespace kinbot::test
