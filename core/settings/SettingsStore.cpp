#include "settings/SettingsStore.h"

#include "storage/Database.h"
#include "util/Clock.h"

#include <array>

namespace kinbot {

static const std::array<SettingSpec, 20> kSpecs{{
    {Setting::GlobalPrompt, "global_prompt", QString()},
    {Setting::ExtractionModel, "extraction_model", QVariant()},
    {Setting::ExtractionProviderId, "extraction_provider_id", QVariant()},
    {Setting::EmbeddingModel, "embedding_model", QVariant()},
    {Setting::EmbeddingProviderId, "embedding_provider_id", QVariant()},
    {Setting::SearchProviderId, "default_search_provider", QVariant()},
    {Setting::HubKinId, "hub_kin_id", QVariant()},
    {Setting::DefaultLlmModel, "default_llm_model", QVariant()},
    {Setting::DefaultLlmProviderId, "default_llm_provider_id", QVariant()},
    {Setting::DefaultImageModel, "default_image_model", QVariant()},
    {Setting::DefaultImageProviderId, "default_image_provider_id", QVariant()},
    {Setting::DefaultCompactingModel, "default_compacting_model", QVariant()},
    {Setting::DefaultCompactingProviderId, "default_compacting_provider_id", QVariant()},
    {Setting::CompactingThresholdPercent, "compacting_threshold_percent", 75},
    // When memories are extracted from conversations: off | turns | compaction | both. Per-turn extraction costs one
    // model call per answered message, so it is opt-in; the reference extracts at compaction only.
    {Setting::MemoryExtraction, "memory_extraction", QStringLiteral("compaction")},
    {Setting::VersionCheckLatest, "version_check_latest", QVariant()},
    {Setting::VersionCheckReleaseUrl, "version_check_release_url", QVariant()},
    {Setting::VersionCheckReleaseNotes, "version_check_release_notes", QVariant()},
    {Setting::VersionCheckPublishedAt, "version_check_published_at", QVariant()},
    {Setting::VersionCheckLastTime, "version_check_last_time", QVariant()},
}};

const SettingSpec &SettingsStore::spec(Setting key)
{
    for (const SettingSpec &s : kSpecs)
        if (s.key == key)
            return s;
    Q_UNREACHABLE();
}

SettingsStore::SettingsStore(const Database &db, const Clock &clock, QObject *parent)
    : QObject(parent), m_db(db), m_clock(clock)
{
}

Status SettingsStore::load()
{
    auto q = m_db.exec(QStringLiteral("SELECT key, value FROM app_settings"));
    if (!q)
        return q.error();
    m_values.clear();
    while (q.value().next()) {
        const QString name = q.value().value(0).toString();
        for (const SettingSpec &s : kSpecs)
            if (name == QLatin1String(s.name))
                m_values.insert(s.key, q.value().value(1).toString());
    }
    return {};
}

QVariant SettingsStore::value(Setting key) const
{
    auto it = m_values.constFind(key);
    if (it == m_values.constEnd())
        return spec(key).fallback;
    const QVariant fallback = spec(key).fallback;
    if (fallback.typeId() == QMetaType::Int)
        return it->toInt();
    return *it;
}

Status SettingsStore::set(Setting key, const QVariant &value)
{
    if (value.isNull())
        return clear(key);
    const QString text = value.toString();
    auto q = m_db.exec(QStringLiteral("INSERT INTO app_settings(key, value, updated_at) VALUES(?,?,?) "
                                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
                       {QString::fromLatin1(spec(key).name), text, m_clock.nowMs()});
    if (!q)
        return q.error();
    const bool different = m_values.value(key) != text || !m_values.contains(key);
    m_values.insert(key, text);
    if (different)
        Q_EMIT changed(key);
    return {};
}

Status SettingsStore::clear(Setting key)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM app_settings WHERE key = ?"), {QString::fromLatin1(spec(key).name)});
    if (!q)
        return q.error();
    if (m_values.remove(key))
        Q_EMIT changed(key);
    return {};
}

} // namespace kinbot
