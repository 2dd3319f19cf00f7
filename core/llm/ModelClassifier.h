#pragma once

#include <QJsonObject>
#include <QString>

// Guessing what a listed model is for, from its id and whatever metadata the provider's list carries.
namespace kinbot::llm {

// "llm" | "embedding" | "image" | "rerank", or empty for models KinBot has no use for (speech, moderation, …).
// Reads type (Together), endpoints (Cohere), architecture.output_modalities (OpenRouter), else the id.
QString classifyModel(const QJsonObject &item);
QString classifyModelId(const QString &id);

// Whether a chat model accepts images: architecture.input_modalities when listed (OpenRouter), else by id.
bool acceptsImages(const QJsonObject &item);
bool acceptsImagesById(const QString &id);

} // namespace kinbot::llm
