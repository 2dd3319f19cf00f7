#pragma once

#include "http/Route.h"

#include <QJsonObject>

#include <functional>
#include <optional>

namespace kinbot {

class EventBus;
class SettingsStore;
enum class Setting;

// /api/settings/* (admin only): global prompt, default models, search provider, hub Kin, compacting threshold.
class SettingsController final
{
public:
    struct KinRef { QString id, name, slug; };
    using KinLookup = std::function<std::optional<KinRef>(const QString &idOrSlug)>;

    SettingsController(SettingsStore &settings, EventBus &bus) : m_settings(settings), m_bus(bus) {}
    // Kins arrive with the engine; until then no Kin can be found.
    void setKinLookup(KinLookup lookup) { m_kinLookup = std::move(lookup); }

    void getGlobalPrompt(const ExchangePtr &ex);
    void putGlobalPrompt(const ExchangePtr &ex);
    void getModels(const ExchangePtr &ex);
    void getDefaultModels(const ExchangePtr &ex);
    void putDefaultLlm(const ExchangePtr &ex);
    void putDefaultImage(const ExchangePtr &ex);
    void putDefaultCompacting(const ExchangePtr &ex);
    void putExtractionModel(const ExchangePtr &ex);
    void putEmbeddingModel(const ExchangePtr &ex);
    void getSearchProvider(const ExchangePtr &ex);
    void putSearchProvider(const ExchangePtr &ex);
    void getHub(const ExchangePtr &ex);
    void putHub(const ExchangePtr &ex);
    void getCompactingThreshold(const ExchangePtr &ex);
    void putCompactingThreshold(const ExchangePtr &ex);

private:
    void putModelPair(const ExchangePtr &ex, Setting model, Setting provider, const char *modelKey, const char *providerKey, bool required);
    QJsonValue val(Setting key) const;

    SettingsStore &m_settings;
    EventBus &m_bus;
    KinLookup m_kinLookup;
};

} // namespace kinbot
