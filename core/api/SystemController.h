#pragma once

#include "http/Route.h"

#include <QString>

namespace kinbot {

class Clock;
class Logger;
class SseHub;
class VersionChecker;

// Health, version check, logs, the SSE stream, uploaded files and the web UI shell.
class SystemController final
{
public:
    SystemController(const Clock &clock, Logger &logger, SseHub &hub, VersionChecker &versions, QString uploadsDir, QString version);

    void health(const ExchangePtr &ex);
    void versionStatus(const ExchangePtr &ex);
    void versionCheck(const ExchangePtr &ex);
    void versionUpdate(const ExchangePtr &ex);
    void logs(const ExchangePtr &ex);
    void logModules(const ExchangePtr &ex);
    void sse(const ExchangePtr &ex);
    void upload(const ExchangePtr &ex);
    void webUi(const ExchangePtr &ex);

private:
    const Clock &m_clock;
    Logger &m_logger;
    SseHub &m_hub;
    VersionChecker &m_versions;
    QString m_uploadsDir;
    QString m_version;
    qint64 m_startedAt;
};

} // namespace kinbot
