#pragma once

#include "llm/ClientSettings.h"
#include "llm/HttpChatStream.h"
#include "llm/StreamParsers.h"

namespace kinbot::llm {

// Google Gemini (`POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`, x-goog-api-key): SSE chunks of
// GenerateContentResponse; function calls arrive whole (ids generated when absent); the finish marker is a candidate's
// finishReason.
class GeminiChatStream final : public HttpChatStream
{
    Q_OBJECT
public:
    GeminiChatStream(QNetworkAccessManager &network, const ClientSettings &settings, const ChatRequest &request,
                     QObject *parent);

    static QJsonObject requestBody(const ChatRequest &request);
    // The JSON Schema of a tool reduced to what Gemini's OpenAPI-subset Schema accepts.
    static QJsonObject geminiSchema(const QJsonObject &jsonSchema);

protected:
    void beginAttempt() override;
    void consume(const QByteArray &bytes) override;
    void endOfBody() override;

private:
    void handleEvent(const SseEvent &ev);
    void finish();

    SseParser m_sse;
    QString m_finishReason; // normalised, once a candidate reported one
};

} // namespace kinbot::llm
