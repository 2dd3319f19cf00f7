#pragma once

#include "http/Route.h"

#include <QObject>
#include <QString>

namespace kinbot {

namespace plugins {
class PluginService;
}

// /api/plugins (rest.md §3.9): the installed plugins, enabling, config (secrets masked), health, reload, local
// install and uninstall. Mutations are admin-only (the route table says so).
class PluginsController final : public QObject
{
    Q_OBJECT
public:
    PluginsController(plugins::PluginService &plugins, QString appVersion, QObject *parent = nullptr);

    void list(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void readme(const ExchangePtr &ex);
    void enable(const ExchangePtr &ex);
    void disable(const ExchangePtr &ex);
    void config(const ExchangePtr &ex);
    void updateConfig(const ExchangePtr &ex);
    void resetHealth(const ExchangePtr &ex);
    void reload(const ExchangePtr &ex);
    void install(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void updates(const ExchangePtr &ex);
    void version(const ExchangePtr &ex);

private:
    plugins::PluginService &m_plugins;
    const QString m_version;
};

} // namespace kinbot
