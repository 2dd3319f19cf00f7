#pragma once

#include "util/Result.h"

#include <QObject>

#include <functional>

namespace kinbot {
class Clock;
class KinService;
class ProviderService;
class SettingsStore;
}

namespace kinbot::memory {

class MemoryService;

// Upkeep of a Kin's memories (engine.md §4.7): importance recalibration from retrievals, pruning of forgotten trivia,
// consolidation of near-duplicates into one memory by the model, importance backfill, and the review_memories audit.
// The model is the compacting model setting or else the Kin's own (the reference silently defaults to gpt-4.1-nano).
class MemoryMaintenance final : public QObject
{
    Q_OBJECT
public:
    static constexpr double kConsolidationCosine = 0.85;
    static constexpr double kCrossSubjectCosine = 0.95;
    static constexpr int kMaxGeneration = 5;

    MemoryMaintenance(MemoryService &memories, ProviderService &providers, SettingsStore &settings, KinService &kins,
                      const Clock &clock, QObject *parent = nullptr);

    // Retrieval-based importance recalibration, then pruning; returns {recalibrated, pruned}.
    struct Upkeep
    {
        int recalibrated = 0;
        int pruned = 0;
    };
    Result<Upkeep> recalibrateAndPrune(const QString &kinId);

    // Merges clusters of similar own memories; done gets how many source memories were removed.
    void consolidate(const QString &kinId, std::function<void(Result<int>)> done);
    // Scores memories without importance (kinId "" = all Kins) in batches of 20: {updated, skipped}.
    void backfillImportance(const QString &kinId, std::function<void(Result<QPair<int, int>>)> done);
    // An audit of the Kin's memories by the model: {issues:[…], summary}.
    void review(const QString &kinId, const QString &subject, const QString &scope, std::function<void(Result<QJsonObject>)> done);

private:
    MemoryService &m_memories;
    ProviderService &m_providers;
    SettingsStore &m_settings;
    KinService &m_kins;
    const Clock &m_clock;
};

} // namespace kinbot::memory
