#include "api/ProvidersController.h"

#include "http/Exchange.h"
#include "http/Reply.h"
#include "providers/ProviderService.h"

namespace kinbot {

namespace {

QJsonObject createdJson(const ProviderRecord &p)
{
    QJsonObject o = ProviderService::summaryJson(p);
    return {{QStringLiteral("provider"), o}};
}

QJsonObject testJson(const ConnectionTest &t)
{
    QJsonObject o{{QStringLiteral("valid"), t.valid}, {QStringLiteral("capabilities"), QJsonArray::fromStringList(t.capabilities)}};
    if (!t.error.isEmpty())
        o.insert(QStringLiteral("error"), t.error);
    return o;
}

} // namespace

ProvidersController::ProvidersController(ProviderService &providers) : m_providers(providers) {}

void ProvidersController::list(const ExchangePtr &ex)
{
    auto all = m_providers.list();
    ex->sendResult(all, [](const QList<ProviderRecord> &list) {
        QJsonArray out;
        for (const ProviderRecord &p : list)
            out.append(ProviderService::summaryJson(p));
        return Reply::json(QJsonObject{{QStringLiteral("providers"), out}});
    });
}

void ProvidersController::types(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("types"), ProviderService::typesJson()}}));
}

void ProvidersController::capabilities(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("capabilities"), m_providers.capabilitySummary()}}));
}

void ProvidersController::models(const ExchangePtr &ex)
{
    m_providers.allModels([ex](QJsonArray models) { ex->send(Reply::json(QJsonObject{{QStringLiteral("models"), models}})); });
}

void ProvidersController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    m_providers.create(*body, [ex](Result<ProviderRecord> r) { ex->sendResult(r, [](const ProviderRecord &p) { return Reply::json(createdJson(p), 201); }); });
}

void ProvidersController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    m_providers.update(ex->param("id"), *body,
                       [ex](Result<ProviderRecord> r) { ex->sendResult(r, [](const ProviderRecord &p) { return Reply::json(createdJson(p)); }); });
}

void ProvidersController::remove(const ExchangePtr &ex)
{
    Status st = m_providers.remove(ex->param("id"));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void ProvidersController::testConfig(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    m_providers.testConfig(*body, [ex](Result<ConnectionTest> r) { ex->sendResult(r, [](const ConnectionTest &t) { return Reply::json(testJson(t)); }); });
}

void ProvidersController::testSaved(const ExchangePtr &ex)
{
    m_providers.testSaved(ex->param("id"),
                          [ex](Result<ConnectionTest> r) { ex->sendResult(r, [](const ConnectionTest &t) { return Reply::json(testJson(t)); }); });
}

void ProvidersController::detect(const ExchangePtr &ex)
{
    m_providers.detectLocal([ex](const QJsonObject &result) { ex->send(Reply::json(result)); });
}

} // namespace kinbot
