#pragma once

#include "http/Route.h"

namespace kinbot {

class CompactingService;
class KinService;

// /api/kins/:id/compacting/* (rest.md "Compacting", engine.md §6); :id is a Kin id or slug.
//
// Wire shapes and codes follow the reference, except:
// - a run while the Kin is already being compacted answers 409 COMPACTING_IN_PROGRESS (the reference starts a second
//   summary over the same messages);
// - rollback restores the whole summary set that was in context right after the chosen summary was made (the reference
//   only re-activates that one summary, so rolling back past a merge or a purge lost the older ones);
// - a malformed JSON body is 400 INVALID_JSON (reference: 500).
class CompactingController final
{
public:
    CompactingController(KinService &kins, CompactingService &compacting);

    void run(const ExchangePtr &ex);
    void purge(const ExchangePtr &ex);
    void summaries(const ExchangePtr &ex);
    void snapshots(const ExchangePtr &ex);
    void rollback(const ExchangePtr &ex);

private:
    KinService &m_kins;
    CompactingService &m_compacting;
};

} // namespace kinbot
