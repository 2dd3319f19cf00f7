#include "memory/EmbeddingClient.h"

#include "llm/LlmClient.h"
#include "memory/HttpEmbeddingClient.h"

namespace kinbot::memory {

namespace {

// Embedding-only types the chat provider table (llm::providerTypes) does not list.
QString embeddingOnlyBaseUrl(const QString &type)
{
    if (type == QLatin1String("voyage"))
        return QStringLiteral("https://api.voyageai.com/v1");
    if (type == QLatin1String("jina"))
        return QStringLiteral("https://api.jina.ai/v1");
    if (type == QLatin1String("nomic"))
        return QStringLiteral("https://api-atlas.nomic.ai/v1");
    return {};
}

} // namespace

bool supportsEmbeddings(const QString &providerType)
{
    return embeddingStyle(providerType) != EmbeddingStyle::None;
}

QString defaultEmbeddingModel(const QString &providerType)
{
    static const QHash<QString, QString> models = {
        {QStringLiteral("openai"), QStringLiteral("text-embedding-3-small")},
        {QStringLiteral("openrouter"), QStringLiteral("openai/text-embedding-3-small")},
        {QStringLiteral("together"), QStringLiteral("BAAI/bge-large-en-v1.5")},
        {QStringLiteral("fireworks"), QStringLiteral("nomic-ai/nomic-embed-text-v1.5")},
        {QStringLiteral("mistral"), QStringLiteral("mistral-embed")},
        {QStringLiteral("voyage"), QStringLiteral("voyage-3")},
        {QStringLiteral("jina"), QStringLiteral("jina-embeddings-v3")},
        {QStringLiteral("nomic"), QStringLiteral("nomic-embed-text-v1.5")},
        {QStringLiteral("lmstudio"), QStringLiteral("text-embedding-nomic-embed-text-v1.5")},
        {QStringLiteral("ollama"), QStringLiteral("nomic-embed-text")},
        {QStringLiteral("gemini"), QStringLiteral("gemini-embedding-001")},
        {QStringLiteral("cohere"), QStringLiteral("embed-v4.0")},
    };
    return models.value(providerType);
}

std::unique_ptr<EmbeddingClient> makeEmbeddingClient(QNetworkAccessManager &network, const llm::ProviderConfig &config,
                                                     const QString &model, const EmbeddingLimits &limits)
{
    const EmbeddingStyle style = embeddingStyle(config.type);
    if (style == EmbeddingStyle::None)
        return nullptr;
    QString base = config.baseUrl.trimmed();
    if (base.isEmpty()) {
        const llm::ProviderType *type = llm::findProviderType(config.type);
        base = type ? type->defaultBaseUrl : embeddingOnlyBaseUrl(config.type);
    }
    if (base.isEmpty())
        return nullptr;
    HttpEmbeddingClient::Settings s;
    s.providerType = config.type;
    s.style = style;
    s.root = embeddingRoot(style, base);
    s.apiKey = config.apiKey.trimmed();
    s.model = model.trimmed().isEmpty() ? defaultEmbeddingModel(config.type) : model.trimmed();
    s.limits = limits;
    s.limits.maxBatch = qMax(1, s.limits.maxBatch);
    return std::make_unique<HttpEmbeddingClient>(network, std::move(s));
}

} // namespace kinbot::memory
