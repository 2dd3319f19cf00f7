#include "prompts/HumanPrompt.h"

namespace kinbot {

namespace {
QJsonValue strOrNull(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }
} // namespace

QJsonObject HumanPrompt::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("taskId"), strOrNull(taskId)},
            {QStringLiteral("promptType"), promptType},
            {QStringLiteral("question"), question},
            {QStringLiteral("description"), strOrNull(description)},
            {QStringLiteral("options"), options},
            {QStringLiteral("response"), response},
            {QStringLiteral("status"), status},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("respondedAt"), respondedAt > 0 ? QJsonValue(respondedAt) : QJsonValue()}};
}

} // namespace kinbot
