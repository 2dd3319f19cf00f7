#include "engine/tools/CoreTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"
#include "notifications/NotificationService.h"
#include "util/Clock.h"
#include "util/PrivateNetwork.h"

#include <QFile>
#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <unistd.h>

namespace kinbot {

namespace {

using toolschema::error;
using toolschema::prop;
const auto schema = toolschema::object;

qint64 memoryKiB(const char *field)
{
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

constexpr qint64 kMaxResponseBytes = 512 * 1024;

void checkHost(QNetworkAccessManager &network, const QString &host, bool allowPrivate, std::function<void(QString)> verdict)
{
    netguard::checkHost(&network, host, allowPrivate, std::move(verdict));
}

void runHttpRequest(QNetworkAccessManager &network, bool allowPrivate, int timeoutMs, const QJsonObject &args, ToolDone done)
{
    const QUrl url(args.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty())
        return done(error(QStringLiteral("url must be an absolute http(s) URL")));
    const QString method = args.value(QStringLiteral("method")).toString(QStringLiteral("GET")).toUpper();
    static const QStringList methods{QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("PATCH"),
                                     QStringLiteral("DELETE"), QStringLiteral("HEAD")};
    if (!methods.contains(method))
        return done(error(QStringLiteral("method must be one of ") + methods.join(QStringLiteral(", "))));

    auto send = [&network, url, method, args, done, allowPrivate, timeoutMs]() {
        QNetworkRequest req(url);
        req.setTransferTimeout(timeoutMs);
        // Every redirect target is checked like the first URL: a public host must not bounce us onto the LAN.
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
        req.setMaximumRedirectsAllowed(5);
        const QJsonObject headers = args.value(QStringLiteral("headers")).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it)
            req.setRawHeader(it.key().toUtf8(), it.value().toString().toUtf8());
        const QByteArray body = args.value(QStringLiteral("body")).isString() ? args.value(QStringLiteral("body")).toString().toUtf8()
                                                                               : QByteArray();
        QNetworkReply *reply = network.sendCustomRequest(req, method.toLatin1(), body);
        auto received = std::make_shared<QByteArray>();
        auto truncated = std::make_shared<bool>(false);
        auto refusedRedirect = std::make_shared<QString>();
        QObject::connect(reply, &QNetworkReply::redirected, reply, [&network, reply, allowPrivate, refusedRedirect](const QUrl &to) {
            if (to.scheme() != QLatin1String("http") && to.scheme() != QLatin1String("https")) {
                *refusedRedirect = QStringLiteral("Redirect to a non-http(s) URL refused");
                return reply->abort();
            }
            QPointer<QNetworkReply> guard(reply);
            checkHost(network, to.host(), allowPrivate, [guard, refusedRedirect](const QString &why) {
                if (!guard)
                    return;
                if (why.isEmpty())
                    return Q_EMIT guard->redirectAllowed();
                *refusedRedirect = QStringLiteral("Redirect refused: ") + why;
                guard->abort();
            });
        });
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, received, truncated] {
            const QByteArray chunk = reply->readAll();
            if (received->size() + chunk.size() > kMaxResponseBytes) {
                received->append(chunk.left(kMaxResponseBytes - received->size()));
                *truncated = true;
                reply->abort();
                return;
            }
            received->append(chunk);
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, received, truncated, refusedRedirect, done] {
            reply->deleteLater();
            if (!refusedRedirect->isEmpty())
                return done(error(*refusedRedirect));
            if (reply->isOpen())
                received->append(reply->readAll().left(kMaxResponseBytes - received->size()));
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 0)
                return done(error(QStringLiteral("Request failed: ") + reply->errorString()));
            QJsonObject headersOut;
            for (const auto &pair : reply->rawHeaderPairs())
                headersOut.insert(QString::fromLatin1(pair.first).toLower(), QString::fromUtf8(pair.second));
            QJsonObject out{{QStringLiteral("status"), status}, {QStringLiteral("headers"), headersOut},
                            {QStringLiteral("body"), QString::fromUtf8(*received)}};
            if (*truncated)
                out.insert(QStringLiteral("truncated"), true);
            done(out);
        });
    };
    checkHost(network, url.host(), allowPrivate, [send, done](const QString &why) {
        if (!why.isEmpty())
            return done(error(why));
        send();
    });
}

} // namespace

void registerCoreTools(ToolRegistry &registry, const CoreToolDeps &deps)
{
    registry.add({QStringLiteral("think"), QStringLiteral("system"),
                  QStringLiteral("Think step by step in private before acting. The thought is not shown to the user."),
                  schema({{QStringLiteral("thought"), prop(QStringLiteral("string"), QStringLiteral("Your reasoning"))}}, {QStringLiteral("thought")}),
                  ToolDefinition::Both, false, true,
                  [](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      if (!args.value(QStringLiteral("thought")).isString())
                          return done(error(QStringLiteral("thought must be a string")));
                      done(QJsonObject{{QStringLiteral("ok"), true}});
                  }});

    registry.add({QStringLiteral("get_system_info"), QStringLiteral("system"),
                  QStringLiteral("Get information about the machine KinBot runs on: OS, CPU, memory, uptime, version."), schema({}, {}),
                  ToolDefinition::Both, false, true,
                  [version = deps.version, started = deps.startedAtMs, &clock = deps.clock](const ToolContext &, const QJsonObject &, ToolDone done) {
                      const qint64 totalKiB = memoryKiB("MemTotal:");
                      const qint64 availKiB = memoryKiB("MemAvailable:");
                      done(QJsonObject{{QStringLiteral("version"), version},
                                       {QStringLiteral("os"), QSysInfo::prettyProductName()},
                                       {QStringLiteral("kernel"), QSysInfo::kernelVersion()},
                                       {QStringLiteral("arch"), QSysInfo::currentCpuArchitecture()},
                                       {QStringLiteral("cpus"), QThread::idealThreadCount()},
                                       {QStringLiteral("memoryTotalMiB"), totalKiB / 1024},
                                       {QStringLiteral("memoryUsedMiB"), (totalKiB - availKiB) / 1024},
                                       {QStringLiteral("uptimeSeconds"), (clock.nowMs() - started) / 1000},
                                       {QStringLiteral("pid"), qint64(::getpid())}});
                  }});

    registry.add({QStringLiteral("list_kins"), QStringLiteral("inter-kin"),
                  QStringLiteral("List the other Kins of this platform (slug, name, role) to know whom to ask for help."), schema({}, {}),
                  ToolDefinition::MainOnly, false, false,
                  [&kins = deps.kins](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto all = kins.list();
                      if (!all)
                          return done(error(all.error().message));
                      QJsonArray out;
                      for (const KinRecord &k : all.value())
                          if (k.id != ctx.kinId)
                              out.append(QJsonObject{{QStringLiteral("slug"), k.slug}, {QStringLiteral("name"), k.name}, {QStringLiteral("role"), k.role}});
                      done(QJsonObject{{QStringLiteral("kins"), out}});
                  }});

    registry.add({QStringLiteral("notify"), QStringLiteral("tasks"),
                  QStringLiteral("Send a notification to the users of this platform (shown in their notification center)."),
                  schema({{QStringLiteral("title"), prop(QStringLiteral("string"), QStringLiteral("Short title, at most 100 characters"))},
                          {QStringLiteral("body"), prop(QStringLiteral("string"), QStringLiteral("Optional details, at most 500 characters"))}},
                         {QStringLiteral("title")}),
                  ToolDefinition::Both, false, true,
                  [&notifications = deps.notifications](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString title = args.value(QStringLiteral("title")).toString().trimmed();
                      const QString body = args.value(QStringLiteral("body")).toString().trimmed();
                      if (title.isEmpty() || title.size() > 100)
                          return done(error(QStringLiteral("title is required (1-100 characters)")));
                      if (body.size() > 500)
                          return done(error(QStringLiteral("body must be at most 500 characters")));
                      auto sent = notifications.notifyAll({QStringLiteral("kin:alert"), title, body, ctx.kinId, ctx.kinId, QStringLiteral("kin")});
                      if (!sent)
                          return done(error(sent.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("notifiedUsers"), sent.value()}});
                  }});

    registry.add({QStringLiteral("http_request"), QStringLiteral("browse"),
                  QStringLiteral("Make an HTTP request to a public URL (API calls, fetching JSON). Responses are cut at 512 KiB; 30 s timeout. "
                                 "Vault secrets go in as placeholders ({{secret:KEY}} or {{secret:KEY.field}}) anywhere in url, headers "
                                 "or body; they are replaced by the real values only when the request is sent."),
                  schema({{QStringLiteral("url"), prop(QStringLiteral("string"), QStringLiteral("Absolute http(s) URL"))},
                          {QStringLiteral("method"), prop(QStringLiteral("string"), QStringLiteral("GET (default), POST, PUT, PATCH, DELETE or HEAD"))},
                          {QStringLiteral("headers"), prop(QStringLiteral("object"), QStringLiteral("Request headers"))},
                          {QStringLiteral("body"), prop(QStringLiteral("string"), QStringLiteral("Request body"))}},
                         {QStringLiteral("url")}),
                  ToolDefinition::Both, false, true,
                  [&network = deps.network, allow = deps.allowPrivateNetwork, timeout = deps.httpTimeoutMs](const ToolContext &, const QJsonObject &args,
                                                                                                 ToolDone done) {
                      runHttpRequest(network, allow, timeout, args, std::move(done));
                  },
                  {}, /*expandsSecrets=*/true});
}

} // namespace kinbot
