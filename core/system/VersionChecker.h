#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>

#include <functional>

namespace kinbot {

class Clock;
class EventBus;
class Logger;
class SettingsStore;

// Checks a release feed (GitHub "latest release" JSON: tag_name, html_url, body, published_at) when one is configured
// (KINBOT_VERSION_CHECK_URL); otherwise disabled. Results are cached in settings. Updating itself is the installer's job.
class VersionChecker final : public QObject
{
    Q_OBJECT
public:
    VersionChecker(SettingsStore &settings, EventBus &bus, const Clock &clock, Logger &logger, QString feedUrl, QString currentVersion,
                   QObject *parent = nullptr);

    bool enabled() const { return !m_feedUrl.isEmpty(); }
    QJsonObject status() const;
    void check(std::function<void(Result<QJsonObject>)> done);

    // Semantic-version comparison of "1.2.3" / "v1.2.3-beta" (pre-release < release): -1, 0, 1.
    static int compareVersions(const QString &a, const QString &b);

private:
    SettingsStore &m_settings;
    EventBus &m_bus;
    const Clock &m_clock;
    Logger &m_logger;
    QString m_feedUrl;
    QString m_current;
    QNetworkAccessManager m_nam;
};

} // namespace kinbot
