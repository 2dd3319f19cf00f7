#pragma once

#include "llm/ClientSettings.h"
#include "llm/LlmClient.h"

namespace kinbot::llm {

// Client of Anthropic's native Messages API: chat via POST /v1/messages, models via GET /v1/models
// (x-api-key + anthropic-version headers).
class AnthropicClient final : public LlmClient
{
public:
    AnthropicClient(QNetworkAccessManager &network, ClientSettings settings);
    ChatStream *streamChat(const ChatRequest &request, QObject *parent) override;
    void listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done) override;

    // The models of a GET /v1/models answer ({data:[{id, display_name}]}): all chat models that accept images.
    static QList<ModelInfo> parseModels(const QJsonDocument &doc);

private:
    QNetworkAccessManager &m_network;
    ClientSettings m_settings;
};

} // namespace kinbot::llm
