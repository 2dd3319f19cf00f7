#include "llm/AnthropicClient.h"

#include "llm/AnthropicChatStream.h"
#include "llm/BaseUrl.h"
#include "llm/JsonGet.h"

#include <QJsonArray>
#include <QUrl>

namespace kinbot::llm {

AnthropicClient::AnthropicClient(QNetworkAccessManager &network, ClientSettings settings)
    : m_network(network), m_settings(std::move(settings))
{
    m_settings.baseUrl = stripApiSuffix(m_settings.baseUrl, {QStringLiteral("/v1")});
}

ChatStream *AnthropicClient::streamChat(const ChatRequest &request, QObject *parent)
{
    auto *stream = new AnthropicChatStream(m_network, m_settings, request, parent);
    stream->start();
    return stream;
}

void AnthropicClient::listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done)
{
    QNetworkRequest req{QUrl(m_settings.baseUrl + QStringLiteral("/v1/models?limit=1000"))};
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("anthropic-version", AnthropicChatStream::kApiVersion);
    if (!m_settings.apiKey.isEmpty())
        req.setRawHeader("x-api-key", m_settings.apiKey.toUtf8());
    getJson(m_network, req, m_settings.limits.firstByteTimeoutMs, context, [done = std::move(done)](Result<QJsonDocument> r) {
        if (!r)
            done(r.error());
        else
            done(parseModels(r.value()));
    });
}

QList<ModelInfo> AnthropicClient::parseModels(const QJsonDocument &doc)
{
    QList<ModelInfo> out;
    for (const QJsonValue &v : doc.object().value(QStringLiteral("data")).toArray()) {
        const QJsonObject o = v.toObject();
        ModelInfo m;
        m.id = o.value(QStringLiteral("id")).toString();
        if (m.id.isEmpty())
            continue;
        m.name = o.value(QStringLiteral("display_name")).toString(m.id);
        m.capability = QStringLiteral("llm");
        m.supportsImageInput = true; // every model the API lists (Claude 3 and later) reads images
        out.append(m);
    }
    return out;
}

} // namespace kinbot::llm
