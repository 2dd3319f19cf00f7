#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class KinService;

namespace memory {
class MemoryService;
struct MemoryChange;
}

// Memories: per Kin (/api/kins/:id/memories) and the global maintenance group (/api/memories).
class MemoriesController final : public QObject
{
    Q_OBJECT
public:
    MemoriesController(memory::MemoryService &memories, KinService &kins, QObject *parent = nullptr);

    void listOfKin(const ExchangePtr &ex);
    void createForKin(const ExchangePtr &ex);
    void updateOfKin(const ExchangePtr &ex);
    void removeOfKin(const ExchangePtr &ex);
    void searchOfKin(const ExchangePtr &ex);
    void listAll(const ExchangePtr &ex);
    void reembed(const ExchangePtr &ex);

private:
    memory::MemoryService &m_memories;
    KinService &m_kins;
};

} // namespace kinbot
