#include "api/SystemController.h"

#include "api/WebUiFiles.h"

#include "http/Exchange.h"
#include "http/SseHub.h"
#include "log/Logger.h"
#include "system/VersionChecker.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>

namespace kinbot {

SystemController::SystemController(const Clock &clock, Logger &logger, SseHub &hub, VersionChecker &versions, QString uploadsDir,
                                   QString version)
    : m_clock(clock)
    , m_logger(logger)
    , m_hub(hub)
    , m_versions(versions)
    , m_uploadsDir(std::move(uploadsDir))
    , m_version(std::move(version))
    , m_startedAt(clock.nowMs())
{
}

void SystemController::health(const ExchangePtr &ex)
{
    const qint64 now = m_clock.nowMs();
    ex->send(Reply::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                     {QStringLiteral("version"), m_version},
                                     {QStringLiteral("uptime"), (now - m_startedAt) / 1000},
                                     {QStringLiteral("timestamp"), now}}));
}

void SystemController::versionStatus(const ExchangePtr &ex)
{
    ex->send(Reply::json(m_versions.status()));
}

void SystemController::versionCheck(const ExchangePtr &ex)
{
    m_versions.check([ex](Result<QJsonObject> r) { ex->sendResult(r, [](const QJsonObject &o) { return Reply::json(o); }); });
}

void SystemController::versionUpdate(const ExchangePtr &ex)
{
    ex->fail(ApiError::badRequest(QStringLiteral("UPDATE_NOT_SUPPORTED"),
                                  QStringLiteral("KinBot Desktop updates through its installer or package manager, not from the API")));
}

void SystemController::logs(const ExchangePtr &ex)
{
    LogQuery q;
    if (ex->hasQuery(QStringLiteral("level"))) {
        const QString level = ex->queryValue(QStringLiteral("level"));
        if (!QStringList{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warn"), QStringLiteral("error")}.contains(level))
            return ex->fail(ApiError::validation(QStringLiteral("level must be debug, info, warn or error")));
        q.minLevel = logLevelFromName(level);
    }
    q.module = ex->queryValue(QStringLiteral("module"));
    q.search = ex->queryValue(QStringLiteral("search"));
    if (ex->hasQuery(QStringLiteral("minutesAgo"))) {
        bool ok = false;
        const int minutes = ex->queryValue(QStringLiteral("minutesAgo")).toInt(&ok);
        if (!ok || minutes < 1)
            return ex->fail(ApiError::validation(QStringLiteral("minutesAgo must be a positive whole number")));
        q.sinceMs = m_clock.nowMs() - qint64(minutes) * 60000;
    }
    if (ex->hasQuery(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = ex->queryValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1)
            return ex->fail(ApiError::validation(QStringLiteral("limit must be a positive whole number")));
        q.limit = qMin(limit, 200);
    }
    QJsonArray out;
    for (const LogEntry &e : m_logger.entries(q))
        out.append(e.toJson());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("logs"), out}}));
}

void SystemController::logModules(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("modules"), QJsonArray::fromStringList(m_logger.modules())}}));
}

void SystemController::sse(const ExchangePtr &ex)
{
    const HeaderPairs common = ex->commonHeaders();
    const QString userId = ex->principal.userId;
    const QString sessionId = ex->principal.sessionId;
    const bool isAdmin = ex->principal.role == QLatin1String("admin");
    m_hub.attach(ex->takeResponder(), common, userId, sessionId, isAdmin);
}

void SystemController::upload(const ExchangePtr &ex)
{
    // The router already refused '.', '..' and encoded separators; the canonical-path check is a second fence
    // against symlinks pointing outside the uploads folder.
    const QString rel = ex->param(QStringLiteral("*"));
    const QString root = QDir(m_uploadsDir).canonicalPath();
    const QFileInfo info(m_uploadsDir + QLatin1Char('/') + rel);
    const QString canonical = info.canonicalFilePath();
    if (rel.isEmpty() || root.isEmpty() || canonical.isEmpty() || !canonical.startsWith(root + QLatin1Char('/')) || !info.isFile())
        return ex->fail(ApiError::notFound(QStringLiteral("FILE_NOT_FOUND"), QStringLiteral("File not found")));
    QFile f(canonical);
    if (!f.open(QIODevice::ReadOnly))
        return ex->fail(ApiError::notFound(QStringLiteral("FILE_NOT_FOUND"), QStringLiteral("File not found")));
    static const QMimeDatabase mimes;
    Reply r = Reply::bytes(f.readAll(), mimes.mimeTypeForFile(canonical, QMimeDatabase::MatchExtension).name().toLatin1());
    r.header("Cache-Control", "private, max-age=3600");
    // Uploaded HTML/SVG must not run script on this origin.
    r.header("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    ex->send(r);
}

void SystemController::webUi(const ExchangePtr &ex)
{
    const WebUiFile file = resolveWebUiFile(ex->rawPath());
    QFile f(file.resource);
    if (file.kind == WebUiFile::Kind::NotFound || !f.open(QIODevice::ReadOnly))
        return ex->fail(ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("Not found")));
    Reply r = Reply::bytes(f.readAll(), file.contentType);
    r.header("Content-Security-Policy", webUiContentSecurityPolicy());
    r.header("Cache-Control", file.cacheControl);
    ex->send(r);
}

} // namespace kinbot
