#include "prompts/HumanPrompt.h"

#include "util/Json.h"

namespace kinbot {

QJsonObject HumanPrompt::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("taskId"), json::nonEmptyOrNull(taskId)},
            {QStringLiteral("promptType"), promptType},
            {QStringLiteral("question"), question},
            {QStringLiteral("description"), json::nonEmptyOrNull(description)},
            {QStringLiteral("options"), options},
            {QStringLiteral("response"), response},
            {QStringLiteral("status"), status},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("respondedAt"), respondedAt > 0 ? QJsonValue(respondedAt) : QJsonValue()}};
}

} // namespace kinbot
