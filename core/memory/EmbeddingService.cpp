#include "memory/EmbeddingService.h"

#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"

#include <QTimer>

namespace kinbot::memory {

EmbeddingService::EmbeddingService(ProviderService &providers, SettingsStore &settings, QNetworkAccessManager &network,
                                   QObject *parent)
    : QObject(parent), m_providers(providers), m_settings(settings), m_network(network)
{
    connect(&m_settings, &SettingsStore::changed, this, [this](Setting key) {
        if (key == Setting::EmbeddingModel || key == Setting::EmbeddingProviderId)
            Q_EMIT targetMayHaveChanged();
    });
    connect(&m_providers, &ProviderService::providerRemoved, this, [this] { Q_EMIT targetMayHaveChanged(); });
}

Result<EmbeddingService::Target> EmbeddingService::target() const
{
    auto all = m_providers.list();
    if (!all)
        return all.error();
    const auto usable = [](const ProviderRecord &p) {
        return p.isValid && p.capabilities.contains(QLatin1String("embedding")) && supportsEmbeddings(p.type);
    };
    const QString preferred = m_settings.string(Setting::EmbeddingProviderId);
    const ProviderRecord *chosen = nullptr;
    for (const ProviderRecord &p : all.value())
        if (!preferred.isEmpty() && p.id == preferred && usable(p))
            chosen = &p;
    for (const ProviderRecord &p : all.value())
        if (!chosen && usable(p))
            chosen = &p;
    if (!chosen)
        return ApiError::unprocessable(QStringLiteral("NO_EMBEDDING_PROVIDER"),
                                       QStringLiteral("No valid provider can compute embeddings; add one (OpenAI, Gemini, Ollama, …)"));
    QString model = m_settings.string(Setting::EmbeddingModel).trimmed();
    if (model.isEmpty())
        model = defaultEmbeddingModel(chosen->type);
    if (model.isEmpty())
        return ApiError::unprocessable(QStringLiteral("NO_EMBEDDING_MODEL"),
                                       QStringLiteral("Provider type %1 has no default embeddings model; choose one in the settings").arg(chosen->type));
    return Target{chosen->id, chosen->type, model};
}

void EmbeddingService::embed(const QStringList &texts, EmbeddingPurpose purpose, QObject *context, Callback done)
{
    auto t = target();
    const auto failLater = [context, done](ApiError error) {
        QTimer::singleShot(0, context, [done, error] { done(error, {}); });
    };
    if (!t)
        return failLater(t.error());
    auto provider = m_providers.find(t->providerId);
    if (!provider)
        return failLater(provider.error());
    std::shared_ptr<EmbeddingClient> client(makeEmbeddingClient(m_network, provider->config, t->model, m_limits));
    if (!client)
        return failLater(ApiError::unprocessable(QStringLiteral("NO_EMBEDDING_PROVIDER"),
                                                 QStringLiteral("Provider type %1 has no embeddings API").arg(t->providerType)));
    EmbeddingRequest request;
    request.texts = texts;
    request.purpose = purpose;
    client->embed(request, context, [client, done, target = t.value()](Result<Embeddings> r) { done(std::move(r), target); });
}

} // namespace kinbot::memory
