#pragma once

#include "http/Route.h"

namespace kinbot {

class ProviderService;

// /api/providers: CRUD, connection tests, types, capabilities and the live model list.
class ProvidersController final
{
public:
    explicit ProvidersController(ProviderService &providers);

    void list(const ExchangePtr &ex);
    void types(const ExchangePtr &ex);
    void capabilities(const ExchangePtr &ex);
    void models(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void testConfig(const ExchangePtr &ex);
    void testSaved(const ExchangePtr &ex);
    void detect(const ExchangePtr &ex);

private:
    ProviderService &m_providers;
};

} // namespace kinbot
