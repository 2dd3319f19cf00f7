#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class ProviderService;
class SettingsStore;
class ToolRegistry;

// The Kin creation wizard's helpers: POST /api/kins/generate-config drafts a Kin from a description with the
// configured LLM.
class KinWizardController final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxDescription = 5000;

    KinWizardController(ProviderService &providers, SettingsStore &settings, ToolRegistry &tools, QObject *parent = nullptr);

    void generateConfig(const ExchangePtr &ex);

private:
    ProviderService &m_providers;
    SettingsStore &m_settings;
    ToolRegistry &m_tools;
};

} // namespace kinbot
