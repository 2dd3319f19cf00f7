#include "llm/ImageGeneration.h"

#include "llm/JsonGet.h"
#include "util/ImageSniff.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QUrl>

namespace kinbot::llm {

static constexpr int kImageTimeoutMs = 120000;

QString defaultImageModel(const QString &type)
{
    if (type == QLatin1String("openai"))
        return QStringLiteral("gpt-image-1");
    if (type == QLatin1String("xai"))
        return QStringLiteral("grok-2-image");
    if (type == QLatin1String("together"))
        return QStringLiteral("black-forest-labs/FLUX.1-schnell");
    return {};
}

void generateImage(QNetworkAccessManager &network, const ClientSettings &settings, const QString &model, const QString &prompt,
                   QObject *context, const QString &failureCode, std::function<void(Result<GeneratedImage>)> done)
{
    QNetworkRequest req(QUrl(settings.baseUrl + QStringLiteral("/images/generations")));
    req.setRawHeader("Accept", "application/json");
    if (!settings.apiKey.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + settings.apiKey.toUtf8());
    QJsonObject body{{QStringLiteral("model"), model}, {QStringLiteral("prompt"), prompt}, {QStringLiteral("n"), 1},
                     {QStringLiteral("size"), QStringLiteral("1024x1024")}};
    // gpt-image-* always answers base64 and rejects response_format; the others need to be asked.
    if (!model.startsWith(QLatin1String("gpt-image")))
        body.insert(QStringLiteral("response_format"), QStringLiteral("b64_json"));
    postJson(network, req, body, kImageTimeoutMs, context, [failureCode, done](Result<QJsonDocument> answer) {
        if (!answer)
            return done(ApiError{ErrorKind::BadGateway, failureCode, QStringLiteral("Image generation failed: %1").arg(answer.error().message)});
        const QString b64 = answer->object().value(QStringLiteral("data")).toArray().first().toObject().value(QStringLiteral("b64_json")).toString();
        const QByteArray bytes = QByteArray::fromBase64(b64.toLatin1());
        const QString ext = images::extensionOf(bytes);
        if (ext.isEmpty())
            return done(ApiError{ErrorKind::BadGateway, failureCode, QStringLiteral("The provider returned no usable image")});
        done(GeneratedImage{bytes, images::mimeTypeOf(ext)});
    });
}

} // namespace kinbot::llm
