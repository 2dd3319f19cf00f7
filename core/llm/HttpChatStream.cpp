#include "llm/HttpChatStream.h"

#include "util/TcpNoDelay.h"

#include "llm/LlmErrors.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>

namespace kinbot::llm {

namespace {
constexpr qsizetype kMaxErrorBody = 64 * 1024;
constexpr qsizetype kBodyHead = 300;
} // namespace

HttpChatStream::HttpChatStream(QNetworkAccessManager &network, const ClientLimits &limits, QObject *parent)
    : ChatStream(parent), m_network(network), m_limits(limits)
{
    registerLlmMetaTypes();
    m_watchdog.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, &HttpChatStream::onWatchdog);
    connect(&m_retryTimer, &QTimer::timeout, this, &HttpChatStream::sendAttempt);
}

HttpChatStream::~HttpChatStream() { dropReply(); }

void HttpChatStream::setHttpRequest(const QNetworkRequest &request, const QByteArray &body)
{
    m_request = request;
    m_body = body;
}

void HttpChatStream::start() { sendAttempt(); }

void HttpChatStream::cancel()
{
    if (m_done)
        return;
    LlmError e;
    e.kind = LlmError::Kind::Cancelled;
    e.message = QStringLiteral("Cancelled");
    fail(e);
}

QString HttpChatStream::bodyHead() const { return QString::fromUtf8(m_bodyHead).simplified(); }

void HttpChatStream::sendAttempt()
{
    if (m_done)
        return;
    dropReply();
    m_status = 0;
    m_headersSeen = false;
    m_errorBody.clear();
    m_bodyHead.clear();
    m_result = {};
    beginAttempt();

    m_reply = m_network.post(m_request, m_body);
    m_reply->setParent(this);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &HttpChatStream::onHeaders);
    connect(m_reply, &QIODevice::readyRead, this, &HttpChatStream::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HttpChatStream::onReplyFinished);
    if (m_limits.firstByteTimeoutMs > 0)
        m_watchdog.start(m_limits.firstByteTimeoutMs);
}

void HttpChatStream::onHeaders()
{
    if (!m_reply)
        return;
    m_headersSeen = true;
    m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // The connection now exists and may be kept alive for the next step: no Nagle on it (see TcpNoDelay.h).
    const QUrl url = m_request.url();
    tcp::enableNoDelayForPeerPort(quint16(url.port(url.scheme() == QLatin1String("https") ? 443 : 80)));
    if (m_limits.idleTimeoutMs > 0)
        m_watchdog.start(m_limits.idleTimeoutMs);
}

void HttpChatStream::onReadyRead()
{
    if (!m_reply || m_done)
        return;
    if (!m_headersSeen)
        onHeaders();
    else if (m_limits.idleTimeoutMs > 0)
        m_watchdog.start(m_limits.idleTimeoutMs);
    const QByteArray bytes = m_reply->readAll();
    if (m_bodyHead.size() < kBodyHead)
        m_bodyHead += bytes.left(kBodyHead - m_bodyHead.size());
    if (m_status >= 300) {
        if (m_errorBody.size() < kMaxErrorBody)
            m_errorBody += bytes.left(kMaxErrorBody - m_errorBody.size());
        return;
    }
    consume(bytes);
}

void HttpChatStream::onReplyFinished()
{
    if (!m_reply || m_done)
        return;
    m_watchdog.stop();
    if (m_reply->bytesAvailable() > 0)
        onReadyRead();
    if (m_done)
        return;
    QNetworkReply *reply = m_reply;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError code = reply->error();
    const QString errorString = reply->errorString();

    if (status >= 300) {
        const LlmError e = errorFromHttp(status, m_errorBody);
        const int retryAfter = retryAfterMs(*reply);
        failOrRetry(e, retryAfter);
        return;
    }
    if (status == 0) {
        failOrRetry(errorFromNetwork(code, errorString));
        return;
    }
    if (code == QNetworkReply::NoError) {
        endOfBody();
        if (!m_done)
            failTruncated();
        return;
    }
    // 2xx but the connection broke mid-body: nothing delivered yet → retry as a connection error; else truncated.
    if (!m_delivered && m_retries < m_limits.maxRetries) {
        failOrRetry(errorFromNetwork(code, errorString));
        return;
    }
    failTruncated(errorString);
}

void HttpChatStream::onWatchdog()
{
    if (m_done)
        return;
    LlmError e;
    e.kind = LlmError::Kind::Timeout;
    e.message = m_headersSeen ? QStringLiteral("The provider stream stalled (no data for %1 ms)").arg(m_limits.idleTimeoutMs)
                              : QStringLiteral("The provider did not answer within %1 ms").arg(m_limits.firstByteTimeoutMs);
    fail(e);
}

void HttpChatStream::dropReply()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    if (reply->isRunning())
        reply->abort();
    reply->deleteLater();
}

int HttpChatStream::backoffMs(int retryAfter) const
{
    if (retryAfter >= 0)
        return qMin(retryAfter, m_limits.maxBackoffMs);
    const qint64 base = qMin<qint64>(qint64(m_limits.initialBackoffMs) << qMin(m_retries, 20), m_limits.maxBackoffMs);
    // Equal jitter: half fixed, half random, so parallel Kins hitting one limit do not retry in lockstep.
    const qint64 half = base / 2;
    return int(half + (half > 0 ? QRandomGenerator::global()->bounded(half + 1) : 0));
}

void HttpChatStream::deliverText(const QString &text)
{
    if (m_done || text.isEmpty())
        return;
    m_delivered = true;
    m_result.text += text;
    Q_EMIT textDelta(text);
}

void HttpChatStream::deliverToolStarted(const QString &id, const QString &name)
{
    if (m_done)
        return;
    m_delivered = true;
    Q_EMIT toolCallStarted(id, name);
}

void HttpChatStream::deliverToolReady(const ToolCall &call)
{
    if (m_done)
        return;
    m_delivered = true;
    m_result.toolCalls.append(call);
    Q_EMIT toolCallReady(call);
}

void HttpChatStream::succeed()
{
    if (m_done)
        return;
    m_done = true;
    m_watchdog.stop();
    m_retryTimer.stop();
    dropReply();
    // Several wires (Gemini, Anthropic's end_turn, compatible servers) say "stop" for a step that called tools.
    if (m_result.finishReason.isEmpty() || m_result.finishReason == QLatin1String("stop"))
        m_result.finishReason = m_result.toolCalls.isEmpty() ? QStringLiteral("stop") : QStringLiteral("tool_calls");
    emitLater(nullptr);
}

void HttpChatStream::fail(const LlmError &error)
{
    if (m_done)
        return;
    m_done = true;
    m_watchdog.stop();
    m_retryTimer.stop();
    dropReply();
    emitLater(&error);
}

void HttpChatStream::failOrRetry(const LlmError &error, int retryAfter)
{
    if (m_done)
        return;
    if (!m_delivered && isRetryable(error) && m_retries < m_limits.maxRetries) {
        const int delay = backoffMs(retryAfter);
        ++m_retries;
        m_watchdog.stop();
        dropReply();
        m_retryTimer.start(delay);
        return;
    }
    LlmError e = error;
    if (m_retries > 0)
        e.message += QStringLiteral(" (after %1 retr%2)").arg(m_retries).arg(m_retries == 1 ? "y" : "ies");
    fail(e);
}

void HttpChatStream::failTruncated(const QString &detail)
{
    LlmError e;
    e.kind = LlmError::Kind::Protocol;
    e.httpStatus = m_status;
    e.message = QStringLiteral("The provider stream ended before its finish marker");
    if (!detail.isEmpty())
        e.message += QStringLiteral(": ") + detail;
    else if (!m_delivered && !m_bodyHead.isEmpty())
        e.message += QStringLiteral(" (body: %1)").arg(bodyHead());
    fail(e);
}

void HttpChatStream::emitLater(const LlmError *error)
{
    // Queued so that finished/failed never fire inside cancel() or inside a caller's slot, and so that nothing of
    // this object is touched after the signal (a receiver may delete the stream).
    if (error) {
        QMetaObject::invokeMethod(this, [this, e = *error] { Q_EMIT failed(e); }, Qt::QueuedConnection);
    } else {
        QMetaObject::invokeMethod(this, [this, r = m_result] { Q_EMIT finished(r); }, Qt::QueuedConnection);
    }
}

} // namespace kinbot::llm
