#include "memory/MemoryRecord.h"

#include "util/Json.h"

#include <QJsonArray>

namespace kinbot::memory {

bool MemoryRecord::isCategory(const QString &c)
{
    return c == QLatin1String("fact") || c == QLatin1String("preference") || c == QLatin1String("decision") || c == QLatin1String("knowledge");
}

QJsonObject MemoryRecord::toJson() const
{
    const auto orNull = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("content"), content},
            {QStringLiteral("category"), category},
            {QStringLiteral("subject"), orNull(subject)},
            {QStringLiteral("scope"), scope},
            {QStringLiteral("sourceChannel"), sourceChannel},
            {QStringLiteral("sourceContext"), orNull(sourceContext)},
            {QStringLiteral("sourceMessageId"), orNull(sourceMessageId)},
            {QStringLiteral("importance"), importance ? QJsonValue(*importance) : QJsonValue()},
            {QStringLiteral("retrievalCount"), retrievalCount},
            {QStringLiteral("lastRetrievedAt"), lastRetrievedAt > 0 ? QJsonValue(json::isoMs(lastRetrievedAt)) : QJsonValue()},
            {QStringLiteral("consolidationGeneration"), consolidationGeneration},
            {QStringLiteral("consolidatedFromIds"), consolidatedFromIds.isEmpty() ? QJsonValue() : QJsonValue(QJsonArray::fromStringList(consolidatedFromIds))},
            {QStringLiteral("hasEmbedding"), !embeddingKey.isEmpty()},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(updatedAt)}};
}

} // namespace kinbot::memory
