#pragma once

#include "llm/ClientSettings.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::llm {

struct GeneratedImage
{
    QByteArray data;    // the image bytes
    QString mediaType;  // image/png, image/jpeg, image/webp (sniffed from the bytes)
};

// One image from an OpenAI-compatible images endpoint (POST {base}/images/generations, b64_json answers).
// Callback on context's thread, never synchronous. Failures: 502 <failureCode> with the provider's reason.
void generateImage(QNetworkAccessManager &network, const ClientSettings &settings, const QString &model, const QString &prompt,
                   QObject *context, const QString &failureCode, std::function<void(Result<GeneratedImage>)> done);

// A sensible image model of a provider type, when the user set none ("" = the type has no known default).
QString defaultImageModel(const QString &type);

} // namespace kinbot::llm
