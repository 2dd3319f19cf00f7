#pragma once

#include "engine/MessageStore.h"
#include "util/Result.h"

#include <QObject>

#include <functional>

namespace kinbot {
class KinService;
class ProviderService;
class SettingsStore;
}

namespace kinbot::memory {

class MemoryService;

// Reads durable memories out of conversation exchanges with the extraction model (engine.md §4.2): setting
// extraction_model (+ provider) or else the Kin's own model. The model sees the Kin's existing memories by index and
// answers a JSON array of {action add|update, content, category, subject, importance, sourceContext, updateIndex};
// updates go to the indexed memory, adds are skipped when a memory of the same meaning exists (cosine ≥ 0.85, or the
// same text when there is no embeddings provider).
class MemoryExtractor final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxExisting = 200;
    static constexpr double kDuplicateCosine = 0.85;

    enum class When { Off, Turns, Compaction, Both };
    static std::optional<When> parseWhen(const QString &text);
    static QString whenName(When when);

    MemoryExtractor(MemoryService &memories, ProviderService &providers, SettingsStore &settings, KinService &kins,
                    QObject *parent = nullptr);

    When when() const;
    bool afterTurns() const { return when() == When::Turns || when() == When::Both; }
    bool atCompaction() const { return when() == When::Compaction || when() == When::Both; }

    // done gets the number of memories added or updated.
    void extract(const QString &kinId, const QList<MessageRecord> &batch, std::function<void(Result<int>)> done);

Q_SIGNALS:
    void extracted(const QString &kinId, int count);

private:
    MemoryService &m_memories;
    ProviderService &m_providers;
    SettingsStore &m_settings;
    KinService &m_kins;
};

} // namespace kinbot::memory
