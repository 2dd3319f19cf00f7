#include "llm/GeminiClient.h"

#include "llm/BaseUrl.h"
#include "llm/GeminiChatStream.h"
#include "llm/JsonGet.h"
#include "llm/ModelClassifier.h"

#include <QJsonArray>
#include <QUrl>

namespace kinbot::llm {

GeminiClient::GeminiClient(QNetworkAccessManager &network, ClientSettings settings)
    : m_network(network), m_settings(std::move(settings))
{
    m_settings.baseUrl = stripApiSuffix(m_settings.baseUrl, {QStringLiteral("/v1beta"), QStringLiteral("/v1")});
}

ChatStream *GeminiClient::streamChat(const ChatRequest &request, QObject *parent)
{
    auto *stream = new GeminiChatStream(m_network, m_settings, request, parent);
    stream->start();
    return stream;
}

void GeminiClient::listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done)
{
    QNetworkRequest req{QUrl(m_settings.baseUrl + QStringLiteral("/v1beta/models?pageSize=1000"))};
    req.setRawHeader("Accept", "application/json");
    if (!m_settings.apiKey.isEmpty())
        req.setRawHeader("x-goog-api-key", m_settings.apiKey.toUtf8());
    getJson(m_network, req, m_settings.limits.firstByteTimeoutMs, context, [done = std::move(done)](Result<QJsonDocument> r) {
        if (!r)
            done(r.error());
        else
            done(parseModels(r.value()));
    });
}

QList<ModelInfo> GeminiClient::parseModels(const QJsonDocument &doc)
{
    QList<ModelInfo> out;
    for (const QJsonValue &v : doc.object().value(QStringLiteral("models")).toArray()) {
        const QJsonObject o = v.toObject();
        QString id = o.value(QStringLiteral("name")).toString();
        if (id.startsWith(QLatin1String("models/")))
            id = id.mid(7);
        if (id.isEmpty() || classifyModelId(id).isEmpty()) // tts, native audio, …
            continue;
        QStringList methods;
        for (const QJsonValue &m : o.value(QStringLiteral("supportedGenerationMethods")).toArray())
            methods.append(m.toString());
        ModelInfo m;
        m.id = id;
        m.name = o.value(QStringLiteral("displayName")).toString(id);
        if (methods.contains(QLatin1String("generateContent"))) {
            const bool imageOut = id.contains(QLatin1String("image")) && !id.contains(QLatin1String("vision"));
            m.capability = imageOut ? QStringLiteral("image") : QStringLiteral("llm");
            m.supportsImageInput = !imageOut;
        } else if (methods.contains(QLatin1String("embedContent"))) {
            m.capability = QStringLiteral("embedding");
        } else if (methods.contains(QLatin1String("predict")) && id.contains(QLatin1String("imagen"))) {
            m.capability = QStringLiteral("image");
        } else {
            continue; // aqa, video, …
        }
        out.append(m);
    }
    return out;
}

} // namespace kinbot::llm
