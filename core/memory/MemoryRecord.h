#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot::memory {

// One row of `memories` (engine.md §4.1) without its vector.
struct MemoryRecord
{
    QString id;
    QString kinId;
    QString content;
    QString category;      // fact | preference | decision | knowledge
    QString subject;
    QString sourceMessageId;
    QString sourceChannel = QStringLiteral("explicit"); // automatic | explicit
    QString sourceContext;
    std::optional<double> importance; // 1–10; none = 5 in rankings
    int retrievalCount = 0;
    qint64 lastRetrievedAt = 0;
    int consolidationGeneration = 0;
    QStringList consolidatedFromIds;
    QString scope = QStringLiteral("private"); // private | shared
    QString embeddingKey;  // the vector space of its embedding ("" = no vector)
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    double importanceOr5() const { return importance.value_or(5.0); }
    // The REST shape (kin-scoped and global lists share it; global adds the maintenance fields too).
    QJsonObject toJson() const;

    static bool isCategory(const QString &c);
    static bool isScope(const QString &s) { return s == QLatin1String("private") || s == QLatin1String("shared"); }
};

// What may change in a memory (unset = keep).
struct MemoryChange
{
    std::optional<QString> content;
    std::optional<QString> category;
    std::optional<QString> subject; // "" clears it
    std::optional<QString> scope;
    std::optional<double> importance;
};

// A memory found by a search, with its final score.
struct ScoredMemory
{
    MemoryRecord memory;
    double score = 0;
    QString authorKinName; // for another Kin's shared memory
};

} // namespace kinbot::memory
