#pragma once

#include "llm/ClientSettings.h"
#include "llm/LlmClient.h"

namespace kinbot::llm {

// Client of Ollama's native API: chat via POST /api/chat (NDJSON), models via GET /api/tags. A base URL ending in
// /v1 (Ollama's OpenAI-compatible path) is accepted and reduced to the server root.
class OllamaClient final : public LlmClient
{
public:
    OllamaClient(QNetworkAccessManager &network, ClientSettings settings);
    ChatStream *streamChat(const ChatRequest &request, QObject *parent) override;
    void listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done) override;

    // The models of a GET /api/tags answer; names with "embed" (and the usual embedding families) → embedding.
    static QList<ModelInfo> parseModels(const QJsonDocument &doc);

private:
    QNetworkAccessManager &m_network;
    ClientSettings m_settings;
};

} // namespace kinbot::llm
