#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace kinbot {

// A question a Kin put to the users (engine.md §8.5, table human_prompts).
struct HumanPrompt
{
    QString id;
    QString kinId;
    QString taskId;     // "" for a main conversation; set when a task's sub-Kin asked
    QString messageId;  // the assistant message (turn) that asked
    QString promptType; // confirm | select | multi_select
    QString question;
    QString description;
    QJsonArray options; // [{label, value, description?, variant?}]
    QJsonValue response; // null until answered: a value string, or an array of them (multi_select)
    QString status = QStringLiteral("pending"); // pending | answered | expired | cancelled
    qint64 createdAt = 0;
    qint64 respondedAt = 0;

    // HumanPromptSummary (GET /api/prompts/pending): times in ms, absent values null.
    QJsonObject toJson() const;
};

} // namespace kinbot
