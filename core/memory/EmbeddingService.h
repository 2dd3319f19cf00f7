#pragma once

#include "memory/EmbeddingClient.h"
#include "util/Result.h"

#include <QObject>

class QNetworkAccessManager;

namespace kinbot {

class ProviderService;
class SettingsStore;

namespace memory {

// The embeddings model the platform uses for memories and knowledge, from the settings (embedding_model,
// embedding_provider_id) and the providers: the chosen provider when it is valid and can embed — the reference stores
// that setting and ignores it — else the first valid provider with the embedding capability whose type has an
// embeddings API. Lives on the main thread.
class EmbeddingService final : public QObject
{
    Q_OBJECT
public:
    struct Target
    {
        QString providerId;
        QString providerType;
        QString model;
        // Identifies the vector space: vectors made under another key are stale (re-embed them).
        QString key() const { return providerId + QLatin1Char(':') + model; }
    };

    EmbeddingService(ProviderService &providers, SettingsStore &settings, QNetworkAccessManager &network,
                     QObject *parent = nullptr);

    // 422 NO_EMBEDDING_PROVIDER when nothing can embed.
    Result<Target> target() const;

    // Embeds texts with the current target; done runs on context's thread, never synchronously. The result carries the
    // target it was made with.
    using Callback = std::function<void(Result<Embeddings>, Target)>;
    void embed(const QStringList &texts, EmbeddingPurpose purpose, QObject *context, Callback done);

    void setLimits(const EmbeddingLimits &limits) { m_limits = limits; }

Q_SIGNALS:
    // The settings or providers that choose the target changed (the target may or may not be different).
    void targetMayHaveChanged();

private:
    ProviderService &m_providers;
    SettingsStore &m_settings;
    QNetworkAccessManager &m_network;
    EmbeddingLimits m_limits;
};

} // namespace memory
} // namespace kinbot
