#include "system/VersionChecker.h"

#include "events/EventBus.h"
#include "log/Logger.h"
#include "settings/SettingsStore.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>

namespace kinbot {

VersionChecker::VersionChecker(SettingsStore &settings, EventBus &bus, const Clock &clock, Logger &logger, QString feedUrl,
                               QString currentVersion, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_bus(bus)
    , m_clock(clock)
    , m_logger(logger)
    , m_feedUrl(std::move(feedUrl))
    , m_current(std::move(currentVersion))
{
}

int VersionChecker::compareVersions(const QString &a, const QString &b)
{
    static const QRegularExpression re(QStringLiteral("^v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z.-]+))?"));
    const auto ma = re.match(a.trimmed());
    const auto mb = re.match(b.trimmed());
    if (!ma.hasMatch() || !mb.hasMatch())
        return QString::compare(a, b) < 0 ? -1 : (a == b ? 0 : 1);
    for (int i = 1; i <= 3; ++i) {
        const int x = ma.captured(i).toInt(), y = mb.captured(i).toInt();
        if (x != y)
            return x < y ? -1 : 1;
    }
    const QString pa = ma.captured(4), pb = mb.captured(4);
    if (pa == pb)
        return 0;
    if (pa.isEmpty())
        return 1; // release > pre-release
    if (pb.isEmpty())
        return -1;
    return pa < pb ? -1 : 1;
}

QJsonObject VersionChecker::status() const
{
    auto str = [&](Setting s) { return m_settings.isSet(s) ? QJsonValue(m_settings.string(s)) : QJsonValue(); };
    auto num = [&](Setting s) { return m_settings.isSet(s) ? QJsonValue(m_settings.string(s).toLongLong()) : QJsonValue(); };
    const QJsonValue latest = enabled() ? str(Setting::VersionCheckLatest) : QJsonValue();
    return {{QStringLiteral("currentVersion"), m_current},
            {QStringLiteral("latestVersion"), latest},
            {QStringLiteral("isUpdateAvailable"), latest.isString() && compareVersions(latest.toString(), m_current) > 0},
            {QStringLiteral("releaseUrl"), enabled() ? str(Setting::VersionCheckReleaseUrl) : QJsonValue()},
            {QStringLiteral("releaseNotes"), enabled() ? str(Setting::VersionCheckReleaseNotes) : QJsonValue()},
            {QStringLiteral("publishedAt"), enabled() ? num(Setting::VersionCheckPublishedAt) : QJsonValue()},
            {QStringLiteral("lastCheckedAt"), enabled() ? num(Setting::VersionCheckLastTime) : QJsonValue()}};
}

void VersionChecker::check(std::function<void(Result<QJsonObject>)> done)
{
    if (!enabled())
        return done(ApiError::badRequest(QStringLiteral("DISABLED"), QStringLiteral("Version check is disabled (set KINBOT_VERSION_CHECK_URL)")));
    QNetworkRequest req{QUrl(m_feedUrl)};
    req.setRawHeader("Accept", "application/json");
    req.setTransferTimeout(10000);
    QNetworkReply *reply = m_nam.get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        reply->deleteLater();
        const QByteArray data = reply->read(1024 * 1024);
        if (reply->error() != QNetworkReply::NoError) {
            m_logger.warn(QStringLiteral("version-check"), QStringLiteral("Version check failed"), {{QStringLiteral("error"), reply->errorString()}});
            return done(ApiError{ErrorKind::BadGateway, QStringLiteral("VERSION_CHECK_FAILED"), QStringLiteral("Release feed unreachable: ") + reply->errorString()});
        }
        const QJsonObject o = QJsonDocument::fromJson(data).object();
        const QString tag = o.value(QStringLiteral("tag_name")).toString();
        if (tag.isEmpty())
            return done(ApiError{ErrorKind::BadGateway, QStringLiteral("VERSION_CHECK_FAILED"), QStringLiteral("Release feed answered without tag_name")});
        const QString latest = tag.startsWith(QLatin1Char('v')) ? tag.mid(1) : tag;
        const QString previous = m_settings.string(Setting::VersionCheckLatest);
        (void)m_settings.set(Setting::VersionCheckLatest, latest);
        (void)m_settings.set(Setting::VersionCheckReleaseUrl, o.value(QStringLiteral("html_url")).toString());
        (void)m_settings.set(Setting::VersionCheckReleaseNotes, o.value(QStringLiteral("body")).toString().left(20000));
        const QDateTime published = QDateTime::fromString(o.value(QStringLiteral("published_at")).toString(), Qt::ISODate);
        if (published.isValid())
            (void)m_settings.set(Setting::VersionCheckPublishedAt, published.toMSecsSinceEpoch());
        (void)m_settings.set(Setting::VersionCheckLastTime, m_clock.nowMs());
        const QJsonObject st = status();
        if (st.value(QStringLiteral("isUpdateAvailable")).toBool() && previous != latest)
            m_bus.broadcast(QStringLiteral("version:update-available"),
                            {{QStringLiteral("latestVersion"), latest},
                             {QStringLiteral("releaseUrl"), st.value(QStringLiteral("releaseUrl"))},
                             {QStringLiteral("publishedAt"), st.value(QStringLiteral("publishedAt"))}});
        done(st);
    });
}

} // namespace kinbot
