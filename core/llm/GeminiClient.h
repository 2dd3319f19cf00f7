#pragma once

#include "llm/ClientSettings.h"
#include "llm/LlmClient.h"

namespace kinbot::llm {

// Client of Google's native Gemini API: chat via POST /v1beta/models/{model}:streamGenerateContent?alt=sse, models via
// GET /v1beta/models classified by supportedGenerationMethods (x-goog-api-key header).
class GeminiClient final : public LlmClient
{
public:
    GeminiClient(QNetworkAccessManager &network, ClientSettings settings);
    ChatStream *streamChat(const ChatRequest &request, QObject *parent) override;
    void listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done) override;

    static QList<ModelInfo> parseModels(const QJsonDocument &doc);

private:
    QNetworkAccessManager &m_network;
    ClientSettings m_settings;
};

} // namespace kinbot::llm
