#include "llm/ModelClassifier.h"

#include <QJsonArray>

namespace kinbot::llm {

namespace {

bool containsAny(const QString &s, std::initializer_list<const char *> needles)
{
    for (const char *n : needles)
        if (s.contains(QLatin1String(n)))
            return true;
    return false;
}

bool arrayHas(const QJsonArray &a, const char *value)
{
    for (const QJsonValue &v : a)
        if (v.toString() == QLatin1String(value))
            return true;
    return false;
}

} // namespace

QString classifyModelId(const QString &rawId)
{
    const QString id = rawId.toLower();
    if (containsAny(id, {"whisper", "tts", "transcribe", "moderation", "realtime", "audio", "speech", "omni-moderation"}))
        return {};
    if (containsAny(id, {"embed"}))
        return QStringLiteral("embedding");
    if (containsAny(id, {"rerank"}))
        return QStringLiteral("rerank");
    if (containsAny(id, {"dall-e", "gpt-image", "imagen", "flux", "stable-diffusion", "sdxl", "image-generation"}))
        return QStringLiteral("image");
    return QStringLiteral("llm");
}

QString classifyModel(const QJsonObject &item)
{
    const QString type = item.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("chat") || type == QLatin1String("language") || type == QLatin1String("code"))
        return QStringLiteral("llm");
    if (type == QLatin1String("embedding"))
        return QStringLiteral("embedding");
    if (type == QLatin1String("image"))
        return QStringLiteral("image");
    if (type == QLatin1String("rerank"))
        return QStringLiteral("rerank");
    if (type == QLatin1String("moderation") || type == QLatin1String("audio") || type == QLatin1String("transcribe"))
        return {};

    const QJsonArray endpoints = item.value(QStringLiteral("endpoints")).toArray();
    if (!endpoints.isEmpty()) {
        if (arrayHas(endpoints, "chat"))
            return QStringLiteral("llm");
        if (arrayHas(endpoints, "embed"))
            return QStringLiteral("embedding");
        if (arrayHas(endpoints, "rerank"))
            return QStringLiteral("rerank");
        return {};
    }

    const QJsonArray outputs = item.value(QStringLiteral("architecture")).toObject().value(QStringLiteral("output_modalities")).toArray();
    if (!outputs.isEmpty() && !arrayHas(outputs, "text") && arrayHas(outputs, "image"))
        return QStringLiteral("image");

    const QString id = item.value(QStringLiteral("id")).toString(item.value(QStringLiteral("name")).toString());
    return classifyModelId(id);
}

bool acceptsImagesById(const QString &rawId)
{
    const QString id = rawId.toLower();
    if (containsAny(id, {"o1-mini", "o3-mini", "gpt-3.5", "deepseek", "embed"}))
        return false;
    return containsAny(id, {"gpt-4o", "gpt-4.1", "gpt-4-turbo", "gpt-5", "o1", "o3", "o4", "vision", "-vl", "llava",
                            "pixtral", "claude", "gemini", "gemma-3", "gemma3", "grok-4", "grok-2-vision", "llama-4",
                            "llama4", "qwen2.5-vl", "qwen-vl", "minicpm-v", "mistral-medium", "mistral-small-2"});
}

bool acceptsImages(const QJsonObject &item)
{
    const QJsonArray inputs = item.value(QStringLiteral("architecture")).toObject().value(QStringLiteral("input_modalities")).toArray();
    if (!inputs.isEmpty())
        return arrayHas(inputs, "image");
    return acceptsImagesById(item.value(QStringLiteral("id")).toString(item.value(QStringLiteral("name")).toString()));
}

} // namespace kinbot::llm
