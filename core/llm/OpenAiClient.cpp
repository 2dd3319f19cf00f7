#include "llm/OpenAiClient.h"

#include "llm/JsonGet.h"
#include "llm/ModelClassifier.h"
#include "llm/OpenAiChatStream.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QUrl>

namespace kinbot::llm {

OpenAiClient::OpenAiClient(QNetworkAccessManager &network, ClientSettings settings)
    : m_network(network), m_settings(std::move(settings))
{
}

ChatStream *OpenAiClient::streamChat(const ChatRequest &request, QObject *parent)
{
    auto *stream = new OpenAiChatStream(m_network, m_settings, request, parent);
    stream->start();
    return stream;
}

QString OpenAiClient::modelsUrl() const
{
    // Cohere's OpenAI-compatible surface has chat but lists models on its native API.
    if (m_settings.type == QLatin1String("cohere") && m_settings.baseUrl.endsWith(QLatin1String("/compatibility/v1"))) {
        QString root = m_settings.baseUrl;
        root.chop(int(qstrlen("/compatibility/v1")));
        return root + QStringLiteral("/v1/models");
    }
    return m_settings.baseUrl + QStringLiteral("/models");
}

void OpenAiClient::listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done)
{
    QNetworkRequest req{QUrl(modelsUrl())};
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

QList<ModelInfo> OpenAiClient::parseModels(const QJsonDocument &doc)
{
    QJsonArray items;
    if (doc.isArray())
        items = doc.array();
    else if (doc.object().value(QStringLiteral("data")).isArray())
        items = doc.object().value(QStringLiteral("data")).toArray();
    else
        items = doc.object().value(QStringLiteral("models")).toArray();

    QList<ModelInfo> out;
    for (const QJsonValue &v : items) {
        const QJsonObject o = v.toObject();
        ModelInfo m;
        m.id = o.value(QStringLiteral("id")).toString();
        if (m.id.isEmpty())
            m.id = o.value(QStringLiteral("name")).toString();
        if (m.id.isEmpty())
            continue;
        m.name = o.value(QStringLiteral("display_name")).toString();
        if (m.name.isEmpty())
            m.name = o.value(QStringLiteral("name")).toString(m.id);
        m.capability = classifyModel(o);
        if (m.capability.isEmpty())
            continue; // audio, moderation, …: nothing KinBot can use
        m.supportsImageInput = m.capability == QLatin1String("llm") && acceptsImages(o);
        out.append(m);
    }
    return out;
}

} // namespace kinbot::llm
