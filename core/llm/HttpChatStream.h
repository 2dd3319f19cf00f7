#pragma once

#include "llm/LlmClient.h"

#include <QNetworkRequest>
#include <QTimer>

class QNetworkReply;

namespace kinbot::llm {

// The transport half shared by every provider's ChatStream: sends the POST, watches first-byte/idle time, retries
// (429, 5xx, connection errors) with backoff while nothing was delivered, reads error bodies, cancels, and guarantees
// exactly one finished/failed, always queued. Subclasses only build the request and parse their stream format.
class HttpChatStream : public ChatStream
{
    Q_OBJECT
public:
    HttpChatStream(QNetworkAccessManager &network, const ClientLimits &limits, QObject *parent);
    ~HttpChatStream() override;

    // Sends the first attempt. Call once, after construction (the request comes from the subclass).
    void start();
    void cancel() override;

protected:
    void setHttpRequest(const QNetworkRequest &request, const QByteArray &body);

    // A new attempt begins: drop any parse state of the previous one.
    virtual void beginAttempt() = 0;
    // Body bytes of a 2xx response, as they arrive.
    virtual void consume(const QByteArray &bytes) = 0;
    // The 2xx body ended cleanly: succeed() if the finish marker was seen, else fail with a Protocol error.
    virtual void endOfBody() = 0;

    bool isDone() const { return m_done; }
    bool hasDelivered() const { return m_delivered; }
    ChatResult &result() { return m_result; }
    // The first bytes of the body, for error messages about unexpected content.
    QString bodyHead() const;

    void deliverText(const QString &text);
    void deliverToolStarted(const QString &id, const QString &name);
    void deliverToolReady(const ToolCall &call);
    void succeed();
    void fail(const LlmError &error);
    // An error reported inside the stream (error event): retried like an HTTP error when retryable and nothing was
    // delivered yet.
    void failOrRetry(const LlmError &error, int retryAfterMs = -1);
    // The stream ended without its finish marker.
    void failTruncated(const QString &detail = {});

private:
    void sendAttempt();
    void onHeaders();
    void onReadyRead();
    void onReplyFinished();
    void onWatchdog();
    void dropReply();
    int backoffMs(int retryAfterMs) const;
    void emitLater(const LlmError *error);

    QNetworkAccessManager &m_network;
    ClientLimits m_limits;
    QNetworkRequest m_request;
    QByteArray m_body;
    QNetworkReply *m_reply = nullptr;
    QTimer m_watchdog;
    QTimer m_retryTimer;
    int m_status = 0;
    int m_retries = 0;
    bool m_headersSeen = false;
    bool m_delivered = false;
    bool m_done = false;
    QByteArray m_errorBody;
    QByteArray m_bodyHead;
    ChatResult m_result;
};

} // namespace kinbot::llm
