#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class KinService;
class ProviderService;
class SettingsStore;
class ToolRegistry;

// The Kin creation wizard's helpers: POST /api/kins/generate-config drafts a Kin from a description with the
// configured LLM; avatar generation (for an existing Kin, or a preview in the wizard) with the image provider.
class KinWizardController final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxDescription = 5000;

    static constexpr int kMaxPrompt = 1000;

    KinWizardController(ProviderService &providers, KinService &kins, SettingsStore &settings, ToolRegistry &tools,
                        QObject *parent = nullptr);

    void generateConfig(const ExchangePtr &ex);
    void generateAvatar(const ExchangePtr &ex);
    void previewAvatar(const ExchangePtr &ex);

    // The picture description made from a Kin's identity.
    static QString avatarPrompt(const QString &name, const QString &role, const QString &character);

private:
    void drawAvatar(const ExchangePtr &ex, const QJsonObject &body, const QString &prompt, const QString &failureCode);

    ProviderService &m_providers;
    KinService &m_kins;
    SettingsStore &m_settings;
    ToolRegistry &m_tools;
};

} // namespace kinbot
