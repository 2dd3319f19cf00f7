#pragma once

#include "llm/ClientSettings.h"
#include "llm/LlmClient.h"

namespace kinbot::llm {

// Client of OpenAI and the OpenAI-compatible providers: chat via /chat/completions, models via GET /models.
class OpenAiClient final : public LlmClient
{
public:
    OpenAiClient(QNetworkAccessManager &network, ClientSettings settings);
    ChatStream *streamChat(const ChatRequest &request, QObject *parent) override;
    void listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done) override;

    // The model list of a /models answer: {data:[…]} (OpenAI), a bare array (Together) or {models:[…]} (Cohere).
    static QList<ModelInfo> parseModels(const QJsonDocument &doc);

private:
    QString modelsUrl() const;

    QNetworkAccessManager &m_network;
    ClientSettings m_settings;
};

} // namespace kinbot::llm
