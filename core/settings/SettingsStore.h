#pragma once

#include "util/Result.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QVariant>

namespace kinbot {

class Clock;
class Database;

// Every runtime setting, one key each. The table in SettingsStore.cpp holds the stored name and default.
enum class Setting {
    GlobalPrompt,
    ExtractionModel,
    ExtractionProviderId,
    EmbeddingModel,
    EmbeddingProviderId,
    SearchProviderId,
    HubKinId,
    DefaultLlmModel,
    DefaultLlmProviderId,
    DefaultImageModel,
    DefaultImageProviderId,
    DefaultCompactingModel,
    DefaultCompactingProviderId,
    CompactingThresholdPercent,
    MemoryExtraction,
    VersionCheckLatest,
    VersionCheckReleaseUrl,
    VersionCheckReleaseNotes,
    VersionCheckPublishedAt,
    VersionCheckLastTime,
};

struct SettingSpec
{
    Setting key;
    const char *name;   // app_settings.key (the reference's names)
    QVariant fallback;  // value when unset
};

// The typed settings registry over app_settings, cached in memory. Lives on the main thread.
class SettingsStore final : public QObject
{
    Q_OBJECT
public:
    SettingsStore(const Database &db, const Clock &clock, QObject *parent = nullptr);

    static const SettingSpec &spec(Setting key);
    Status load();

    bool isSet(Setting key) const { return m_values.contains(key); }
    QVariant value(Setting key) const;
    QString string(Setting key) const { return value(key).toString(); }
    int integer(Setting key) const { return value(key).toInt(); }

    Status set(Setting key, const QVariant &value);
    Status clear(Setting key);

Q_SIGNALS:
    void changed(kinbot::Setting key);

private:
    const Database &m_db;
    const Clock &m_clock;
    QHash<Setting, QString> m_values;
};

} // namespace kinbot
