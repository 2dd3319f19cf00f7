#include "llm/LlmClient.h"

#include "llm/AnthropicClient.h"
#include "llm/ClientSettings.h"
#include "llm/GeminiClient.h"
#include "llm/OllamaClient.h"
#include "llm/OpenAiClient.h"

namespace kinbot::llm {

namespace {

ProviderType makeType(const char *type, const char *displayName, QStringList caps, const char *style, const char *baseUrl,
                      const char *apiKeyUrl, bool noApiKey = false)
{
    ProviderType t;
    t.type = QString::fromLatin1(type);
    t.displayName = QString::fromUtf8(displayName);
    t.capabilities = std::move(caps);
    t.apiStyle = QString::fromLatin1(style);
    t.defaultBaseUrl = QString::fromLatin1(baseUrl);
    t.noApiKey = noApiKey;
    t.apiKeyUrl = QString::fromLatin1(apiKeyUrl);
    return t;
}

QList<ProviderType> buildTypes()
{
    const QString llm = QStringLiteral("llm"), embedding = QStringLiteral("embedding"), image = QStringLiteral("image"),
                  search = QStringLiteral("search"), rerank = QStringLiteral("rerank");
    return {
        makeType("openai", "OpenAI", {llm, embedding, image}, "openai", "https://api.openai.com/v1",
                 "https://platform.openai.com/api-keys"),
        makeType("anthropic", "Anthropic", {llm}, "anthropic", "https://api.anthropic.com",
                 "https://console.anthropic.com/settings/keys"),
        makeType("gemini", "Google Gemini", {llm, image, embedding}, "gemini", "https://generativelanguage.googleapis.com",
                 "https://aistudio.google.com/apikey"),
        makeType("ollama", "Ollama", {llm, embedding}, "ollama", "http://localhost:11434", "", true),
        makeType("lmstudio", "LM Studio", {llm, embedding}, "openai", "http://localhost:1234/v1", "", true),
        makeType("openrouter", "OpenRouter", {llm, embedding, image}, "openai", "https://openrouter.ai/api/v1",
                 "https://openrouter.ai/keys"),
        makeType("deepseek", "DeepSeek", {llm, embedding}, "openai", "https://api.deepseek.com/v1",
                 "https://platform.deepseek.com/api_keys"),
        makeType("groq", "Groq", {llm}, "openai", "https://api.groq.com/openai/v1", "https://console.groq.com/keys"),
        makeType("together", "Together AI", {llm, embedding, image}, "openai", "https://api.together.xyz/v1",
                 "https://api.together.xyz/settings/api-keys"),
        makeType("fireworks", "Fireworks AI", {llm, embedding, image}, "openai", "https://api.fireworks.ai/inference/v1",
                 "https://fireworks.ai/account/api-keys"),
        makeType("mistral", "Mistral AI", {llm, embedding}, "openai", "https://api.mistral.ai/v1",
                 "https://console.mistral.ai/api-keys"),
        makeType("xai", "xAI", {llm, embedding, image}, "openai", "https://api.x.ai/v1", "https://console.x.ai"),
        makeType("perplexity", "Perplexity", {llm, search}, "openai", "https://api.perplexity.ai",
                 "https://www.perplexity.ai/settings/api"),
        // The reference lists https://api.cohere.com/v2, but that is Cohere's native v2 API (POST /v2/chat, its own
        // stream format): it has no /chat/completions. The OpenAI-compatible surface that serves
        // POST /chat/completions is https://api.cohere.ai/compatibility/v1; OpenAiClient lists its models on the
        // native GET /v1/models of the same host.
        makeType("cohere", "Cohere", {llm, embedding, rerank}, "openai", "https://api.cohere.ai/compatibility/v1",
                 "https://dashboard.cohere.com/api-keys"),
        // Embeddings only (no chat client): tested by embedding a word (core/memory).
        makeType("voyage", "Voyage AI", {embedding}, "embeddings", "https://api.voyageai.com/v1", "https://dash.voyageai.com/api-keys"),
        makeType("jina", "Jina AI", {embedding, rerank}, "embeddings", "https://api.jina.ai/v1", "https://jina.ai/api-dashboard"),
        makeType("nomic", "Nomic", {embedding}, "embeddings", "https://api-atlas.nomic.ai/v1", "https://atlas.nomic.ai/"),
    };
}

QString withoutTrailingSlashes(QString url)
{
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

} // namespace

void registerLlmMetaTypes()
{
    static const bool registered = [] {
        qRegisterMetaType<kinbot::llm::ToolCall>();
        qRegisterMetaType<kinbot::llm::ChatResult>();
        qRegisterMetaType<kinbot::llm::LlmError>();
        return true;
    }();
    Q_UNUSED(registered);
}

const QList<ProviderType> &providerTypes()
{
    static const QList<ProviderType> types = buildTypes();
    return types;
}

const ProviderType *findProviderType(const QString &type)
{
    for (const ProviderType &t : providerTypes())
        if (t.type == type)
            return &t;
    return nullptr;
}

ClientSettings resolveClientSettings(const ProviderType &type, const ProviderConfig &config, const ClientLimits &limits)
{
    ClientSettings s;
    s.type = type.type;
    s.baseUrl = withoutTrailingSlashes(config.baseUrl.trimmed().isEmpty() ? type.defaultBaseUrl : config.baseUrl);
    s.apiKey = config.apiKey.trimmed();
    s.limits = limits;
    return s;
}

std::unique_ptr<LlmClient> makeClient(QNetworkAccessManager &network, const ProviderConfig &config, const ClientLimits &limits)
{
    registerLlmMetaTypes();
    const ProviderType *type = findProviderType(config.type);
    if (!type)
        return nullptr;
    ClientSettings settings = resolveClientSettings(*type, config, limits);
    if (type->apiStyle == QLatin1String("openai"))
        return std::make_unique<OpenAiClient>(network, std::move(settings));
    if (type->apiStyle == QLatin1String("anthropic"))
        return std::make_unique<AnthropicClient>(network, std::move(settings));
    if (type->apiStyle == QLatin1String("gemini"))
        return std::make_unique<GeminiClient>(network, std::move(settings));
    if (type->apiStyle == QLatin1String("ollama"))
        return std::make_unique<OllamaClient>(network, std::move(settings));
    return nullptr;
}

} // namespace kinbot::llm
