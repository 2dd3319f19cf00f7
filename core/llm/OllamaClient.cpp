#include "llm/OllamaClient.h"

#include "llm/BaseUrl.h"
#include "llm/JsonGet.h"
#include "llm/ModelClassifier.h"
#include "llm/OllamaChatStream.h"

#include <QJsonArray>
#include <QUrl>

namespace kinbot::llm {

OllamaClient::OllamaClient(QNetworkAccessManager &network, ClientSettings settings)
    : m_network(network), m_settings(std::move(settings))
{
    m_settings.baseUrl = stripApiSuffix(m_settings.baseUrl, {QStringLiteral("/v1"), QStringLiteral("/api")});
}

ChatStream *OllamaClient::streamChat(const ChatRequest &request, QObject *parent)
{
    auto *stream = new OllamaChatStream(m_network, m_settings, request, parent);
    stream->start();
    return stream;
}

void OllamaClient::listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done)
{
    QNetworkRequest req{QUrl(m_settings.baseUrl + QStringLiteral("/api/tags"))};
    req.setRawHeader("Accept", "application/json");
    if (!m_settings.apiKey.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_settings.apiKey.toUtf8());
    getJson(m_network, req, m_settings.limits.firstByteTimeoutMs, context, [done = std::move(done)](Result<QJsonDocument> r) {
        if (!r)
            done(r.error());
        else
            done(parseModels(r.value()));
    });
}

QList<ModelInfo> OllamaClient::parseModels(const QJsonDocument &doc)
{
    QList<ModelInfo> out;
    for (const QJsonValue &v : doc.object().value(QStringLiteral("models")).toArray()) {
        const QJsonObject o = v.toObject();
        ModelInfo m;
        m.id = o.value(QStringLiteral("name")).toString(o.value(QStringLiteral("model")).toString());
        if (m.id.isEmpty())
            continue;
        m.name = m.id;
        const QString lower = m.id.toLower();
        const QString family = o.value(QStringLiteral("details")).toObject().value(QStringLiteral("family")).toString().toLower();
        const bool embedding = lower.contains(QLatin1String("embed")) || lower.startsWith(QLatin1String("bge-"))
                               || lower.contains(QLatin1String("minilm")) || family == QLatin1String("bert")
                               || family == QLatin1String("nomic-bert");
        m.capability = embedding ? QStringLiteral("embedding") : QStringLiteral("llm");
        m.supportsImageInput = !embedding && acceptsImagesById(lower);
        out.append(m);
    }
    return out;
}

} // namespace kinbot::llm
