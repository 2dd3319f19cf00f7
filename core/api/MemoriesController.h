#pragma once

#include "http/Route.h"
#include "memory/MemoryRecord.h"
#include "util/Result.h"

#include <QObject>

namespace kinbot {

class KinService;
class SettingsStore;

namespace memory {
class MemoryMaintenance;
class MemoryService;
}

// Memories: per Kin (/api/kins/:id/memories) and the global maintenance group (/api/memories).
class MemoriesController final : public QObject
{
    Q_OBJECT
public:
    MemoriesController(memory::MemoryService &memories, memory::MemoryMaintenance &maintenance, KinService &kins, SettingsStore &settings,
                       QObject *parent = nullptr);

    void listOfKin(const ExchangePtr &ex);
    void createForKin(const ExchangePtr &ex);
    void updateOfKin(const ExchangePtr &ex);
    void removeOfKin(const ExchangePtr &ex);
    void searchOfKin(const ExchangePtr &ex);
    void listAll(const ExchangePtr &ex);
    void reembed(const ExchangePtr &ex);
    void consolidate(const ExchangePtr &ex);
    void backfillImportance(const ExchangePtr &ex);
    // GET/PUT /api/settings/memory-extraction {memoryExtraction: off|turns|compaction|both}
    void getExtraction(const ExchangePtr &ex);
    void putExtraction(const ExchangePtr &ex);

private:
    // The Kin of the path and the memory fields of the body (create, update).
    Result<QPair<QString, memory::MemoryChange>> kinAndChange(const ExchangePtr &ex) const;
    // The Kin named by body.kinId ("" when absent and not required; an error when required or unknown).
    Result<QString> kinOfBody(const ExchangePtr &ex, bool required) const;

    memory::MemoryService &m_memories;
    memory::MemoryMaintenance &m_maintenance;
    KinService &m_kins;
    SettingsStore &m_settings;
};

} // namespace kinbot
