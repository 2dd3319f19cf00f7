#include "plugins/PluginService.h"

#include "miniapps/backend/BackendHost.h"
#include "plugins/PluginFiles.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>
#include <QUrl>

// PluginService: installing (a local directory, a git clone) and uninstalling.
namespace kinbot::plugins {

namespace {

ApiError notFound(const QString &name)
{
    return ApiError::notFound(QStringLiteral("PLUGIN_NOT_FOUND"), QStringLiteral("Plugin %1 not found").arg(name));
}

} // namespace

void PluginService::install(const QJsonObject &body, Done done)
{
    const QString source = body.value(QStringLiteral("source")).toString();
    if (source == QLatin1String("git")) {
        const QString url = body.value(QStringLiteral("url")).toString().trimmed();
        if (url.isEmpty())
            return done(ApiError::badRequest(QStringLiteral("MISSING_URL"), QStringLiteral("url is required for a git install")));
        return installFromGit(url, std::move(done));
    }
    if (source == QLatin1String("npm")) {
        if (body.value(QStringLiteral("package")).toString().isEmpty())
            return done(ApiError::badRequest(QStringLiteral("MISSING_PACKAGE"), QStringLiteral("package is required for an npm install")));
        return done(ApiError::badRequest(QStringLiteral("INVALID_SOURCE"), QStringLiteral("Installing from npm is not supported in this build")));
    }
    if (source != QLatin1String("local"))
        return done(ApiError::badRequest(QStringLiteral("INVALID_SOURCE"), QStringLiteral("source must be \"local\", \"git\" or \"npm\"")));
    const QString path = body.value(QStringLiteral("path")).toString();
    if (path.isEmpty() || !QFileInfo(path).isAbsolute() || !QFileInfo(path).isDir())
        return done(ApiError::badRequest(QStringLiteral("MISSING_PATH"), QStringLiteral("path must be the absolute path of a plugin directory")));
    auto manifest = readManifest(path);
    if (!manifest)
        return done(manifest.error());
    const QString name = manifest->name;
    const QString target = QDir(m_options.pluginsDir).filePath(name);
    if (find(name) || QFileInfo::exists(target))
        return done(ApiError::conflict(QStringLiteral("PLUGIN_EXISTS"), QStringLiteral("A plugin named %1 is already installed").arg(name)));
    if (Status st = copyPluginDirectory(path, target); !st)
        return done(st.error());
    done(registerInstalled(name, QStringLiteral("local"), QJsonObject{{QStringLiteral("path"), QFileInfo(path).absoluteFilePath()}}));
}

void PluginService::installFromGit(const QString &url, Done done)
{
    // http(s), file:// or an absolute local path; never git's other transports (ext::, ssh with its prompts…).
    const QUrl parsed(url);
    const QString scheme = parsed.scheme().toLower();
    const bool localPath = QFileInfo(url).isAbsolute() && !url.contains(QLatin1String("::"));
    if (!localPath && scheme != QLatin1String("https") && scheme != QLatin1String("http") && scheme != QLatin1String("file"))
        return done(ApiError::badRequest(QStringLiteral("INVALID_URL"), QStringLiteral("url must be an http(s) or file:// URL, or an absolute path")));
    QDir(m_options.pluginsDir).mkpath(QStringLiteral("."));
    // A hidden directory: a scan never sees a half-cloned plugin.
    const QString staging = QDir(m_options.pluginsDir).filePath(QStringLiteral(".install-%1").arg(++m_nextVersion));
    QDir(staging).removeRecursively();
    auto *git = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    git->setProcessEnvironment(env);
    git->setProcessChannelMode(QProcess::MergedChannels);
    auto *timer = new QTimer(git);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, git, [git] { git->kill(); });
    auto finish = [this, git, staging, url, done](const QString &failure) {
        git->deleteLater();
        if (m_closing)
            return;
        if (!failure.isEmpty()) {
            QDir(staging).removeRecursively();
            return done(ApiError::badRequest(QStringLiteral("INSTALL_FAILED"), failure));
        }
        auto manifest = readManifest(staging);
        if (!manifest) {
            QDir(staging).removeRecursively();
            return done(manifest.error());
        }
        const QString name = manifest->name;
        const QString target = QDir(m_options.pluginsDir).filePath(name);
        if (find(name) || QFileInfo::exists(target)) {
            QDir(staging).removeRecursively();
            return done(ApiError::conflict(QStringLiteral("PLUGIN_EXISTS"), QStringLiteral("A plugin named %1 is already installed").arg(name)));
        }
        if (!QDir().rename(staging, target)) {
            QDir(staging).removeRecursively();
            return done(ApiError::internal(QStringLiteral("The cloned plugin could not be moved into place")));
        }
        done(registerInstalled(name, QStringLiteral("git"), QJsonObject{{QStringLiteral("url"), url}}));
    };
    connect(git, &QProcess::errorOccurred, this, [git, finish](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finish(QStringLiteral("git could not be started: ") + git->errorString());
    });
    connect(git, &QProcess::finished, this, [git, timer, finish](int code, QProcess::ExitStatus status) {
        if (status == QProcess::NormalExit && code == 0)
            return finish({});
        const QString output = QString::fromUtf8(git->readAll()).trimmed().right(500);
        finish(timer->isActive() ? QStringLiteral("git clone failed: ") + output : QStringLiteral("git clone timed out"));
    });
    timer->start(m_options.gitTimeoutMs);
    git->start(QStringLiteral("git"), {QStringLiteral("-c"), QStringLiteral("protocol.ext.allow=never"), QStringLiteral("clone"), QStringLiteral("--depth"),
                                       QStringLiteral("1"), QStringLiteral("--quiet"), QStringLiteral("--"), url, staging});
}

Result<QJsonObject> PluginService::registerInstalled(const QString &name, const QString &source, const QJsonObject &meta)
{
    if (Status st = m_store.ensure(name, source, meta); !st)
        return st.error();
    // Rescan to place the new plugin (and its dependency errors); running plugins keep running.
    std::map<QString, Plugin> before = std::move(m_plugins);
    scan();
    for (auto &[n, p] : m_plugins)
        if (auto it = before.find(n); it != before.end() && n != name) {
            p.active = it->second.active;
            p.activating = it->second.activating;
            p.app = it->second.app;
            p.tools = it->second.tools;
            p.hooks = it->second.hooks;
            p.health = it->second.health;
            p.loadError = it->second.loadError;
        }
    publish(QStringLiteral("plugin:installed"), name);
    return QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("name"), name}};
}

void PluginService::uninstall(const QString &name, Done done)
{
    auto p = existing(name);
    if (!p)
        return done(p.error());
    deactivate(name, [this, name, done] {
        Plugin *p = find(name);
        if (!p)
            return done(notFound(name));
        if (!QDir(p->dir).removeRecursively())
            return done(ApiError::internal(QStringLiteral("The plugin's files could not be removed")));
        if (Status st = m_store.forget(name); !st)
            return done(st.error());
        m_plugins.erase(name);
        publish(QStringLiteral("plugin:uninstalled"), name);
        done(QJsonObject{{QStringLiteral("success"), true}});
    });
}

} // namespace kinbot::plugins
