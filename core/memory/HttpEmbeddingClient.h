#pragma once

#include "memory/EmbeddingClient.h"
#include "memory/EmbeddingWire.h"

namespace kinbot::memory {

// The one concrete EmbeddingClient: any of the four wire styles over QNetworkAccessManager.
class HttpEmbeddingClient final : public EmbeddingClient
{
public:
    struct Settings
    {
        QString providerType;
        EmbeddingStyle style = EmbeddingStyle::None;
        QString root;   // embeddingRoot() of the base URL
        QString apiKey; // may be empty (Ollama, LM Studio)
        QString model;
        EmbeddingLimits limits;
    };

    HttpEmbeddingClient(QNetworkAccessManager &network, Settings settings);
    void embed(const EmbeddingRequest &request, QObject *context, Callback done) override;
    QString model() const override { return m_settings.model; }
    QString providerType() const override { return m_settings.providerType; }

private:
    QNetworkAccessManager &m_network;
    Settings m_settings;
};

} // namespace kinbot::memory
