#include "api/PluginsController.h"

#include "http/Exchange.h"
#include "plugins/PluginService.h"

#include <QJsonArray>

namespace kinbot {

namespace {

Reply object(const QJsonObject &o)
{
    return Reply::json(o);
}

// Async service answers come back on the main thread, as the exchange needs.
plugins::PluginService::Done answer(const ExchangePtr &ex)
{
    return [ex](Result<QJsonObject> r) { ex->sendResult(r, object); };
}

} // namespace

PluginsController::PluginsController(plugins::PluginService &plugins, QString appVersion, QObject *parent)
    : QObject(parent), m_plugins(plugins), m_version(std::move(appVersion))
{
}

void PluginsController::list(const ExchangePtr &ex)
{
    ex->send(Reply::json(m_plugins.list())); // a bare array, as the reference answers
}

void PluginsController::get(const ExchangePtr &ex)
{
    ex->sendResult(m_plugins.summary(ex->param(QStringLiteral("name"))), object);
}

void PluginsController::readme(const ExchangePtr &ex)
{
    ex->sendResult(m_plugins.readme(ex->param(QStringLiteral("name"))),
                   [](const QJsonValue &text) { return Reply::json(QJsonObject{{QStringLiteral("readme"), text}}); });
}

void PluginsController::enable(const ExchangePtr &ex)
{
    m_plugins.enable(ex->param(QStringLiteral("name")), answer(ex));
}

void PluginsController::disable(const ExchangePtr &ex)
{
    m_plugins.disable(ex->param(QStringLiteral("name")), answer(ex));
}

void PluginsController::config(const ExchangePtr &ex)
{
    ex->sendResult(m_plugins.config(ex->param(QStringLiteral("name"))), object);
}

void PluginsController::updateConfig(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    m_plugins.updateConfig(ex->param(QStringLiteral("name")), body.value(), answer(ex));
}

void PluginsController::resetHealth(const ExchangePtr &ex)
{
    ex->sendResult(m_plugins.resetHealth(ex->param(QStringLiteral("name"))), object);
}

void PluginsController::reload(const ExchangePtr &ex)
{
    m_plugins.reload(answer(ex));
}

void PluginsController::install(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    m_plugins.install(body.value(), answer(ex));
}

void PluginsController::remove(const ExchangePtr &ex)
{
    m_plugins.uninstall(ex->param(QStringLiteral("name")), answer(ex));
}

void PluginsController::updates(const ExchangePtr &ex)
{
    // Local plugins have no remote source to compare with (no git/npm installs in this build).
    ex->send(Reply::json(QJsonObject{{QStringLiteral("updates"), QJsonArray()}}));
}

void PluginsController::version(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("version"), m_version}}));
}

} // namespace kinbot
