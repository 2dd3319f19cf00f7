#pragma once

#include "llm/ClientSettings.h"
#include "llm/HttpChatStream.h"
#include "llm/StreamParsers.h"

#include <QMap>

namespace kinbot::llm {

// OpenAI Chat Completions (`POST {base}/chat/completions`, stream: true): the wire of OpenAI and of every
// OpenAI-compatible provider (OpenRouter, Groq, DeepSeek, Mistral, LM Studio, …).
class OpenAiChatStream final : public HttpChatStream
{
    Q_OBJECT
public:
    OpenAiChatStream(QNetworkAccessManager &network, const ClientSettings &settings, const ChatRequest &request,
                     QObject *parent);

    static QJsonObject requestBody(const ChatRequest &request, const ClientSettings &settings);

protected:
    void beginAttempt() override;
    void consume(const QByteArray &bytes) override;
    void endOfBody() override;

private:
    struct PendingCall
    {
        QString id;
        QString name;
        QByteArray args;
        bool started = false;
        bool ready = false;
    };
    void handleEvent(const SseEvent &ev);
    void handleChunk(const QJsonObject &chunk);
    void handleToolDelta(const QJsonArray &deltas);
    void flushToolCalls();
    void finish();

    SseParser m_sse;
    QMap<int, PendingCall> m_calls; // by the delta's index: arguments arrive in pieces
    QString m_finishReason;         // normalised, once a choice reported one
};

} // namespace kinbot::llm
