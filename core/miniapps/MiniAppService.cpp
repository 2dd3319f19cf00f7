#include "miniapps/MiniAppService.h"

#include "events/EventBus.h"
#include "kins/KinService.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>

namespace kinbot {

namespace {

ApiError appNotFound()
{
    return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("App not found"));
}

ApiError createFailed(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("CREATE_FAILED"), message);
}

QString snapshotDirName(qint64 snapshotId)
{
    return QString::number(snapshotId);
}

MiniAppSnapshot snapshotFromRow(const Database::Row &r)
{
    MiniAppSnapshot s;
    s.id = r.at(0).toLongLong();
    s.version = r.at(1).toInt();
    if (!r.at(2).isNull())
        s.label = r.at(2).toString();
    for (const QJsonValue &f : QJsonDocument::fromJson(r.at(3).toString().toUtf8()).array())
        s.files.append(f.toObject().value(QStringLiteral("path")).toString());
    s.createdAt = r.at(4).toLongLong();
    return s;
}

} // namespace

QJsonObject MiniAppSnapshot::toJson() const
{
    return {{QStringLiteral("version"), version},
            {QStringLiteral("label"), label ? QJsonValue(*label) : QJsonValue()},
            {QStringLiteral("fileCount"), int(files.size())},
            {QStringLiteral("files"), QJsonArray::fromStringList(files)},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)}};
}

MiniAppService::MiniAppService(const Database &db, EventBus &bus, const Clock &clock, KinService &kins, MiniAppFiles files,
                               QObject *parent)
    : QObject(parent), m_db(db), m_bus(bus), m_clock(clock), m_kins(kins), m_files(std::move(files)), m_store(db),
      m_storage(db, clock)
{
    // Rows go with the Kin (foreign keys); the files go here, so nothing of a deleted Kin's apps stays on disk.
    connect(&m_kins, &KinService::kinRemoved, this, [this](const QString &kinId) {
        if (!kinId.isEmpty() && !kinId.contains(QLatin1Char('/')) && !kinId.startsWith(QLatin1Char('.')))
            QDir(m_files.appDir(kinId, QString())).removeRecursively();
    });
}

bool MiniAppService::isValidSlug(const QString &slug)
{
    static const QRegularExpression re(QStringLiteral("^(?:[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9])$"));
    return slug.size() <= kMaxSlugLength && re.match(slug).hasMatch();
}

bool MiniAppService::isBackendFile(const QString &path)
{
    return path == QLatin1String("_server.js") || path == QLatin1String("_server.ts");
}

Result<MiniApp> MiniAppService::require(const QString &id) const
{
    auto found = m_store.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return appNotFound();
    return *found.value();
}

Status MiniAppService::requireApp(const QString &id) const
{
    auto app = require(id);
    return app ? Status() : Status(app.error());
}

QJsonObject MiniAppService::summary(const MiniApp &app) const
{
    auto kin = m_kins.resolve(app.kinId);
    return app.toJson(kin ? kin->name : QStringLiteral("Unknown"), kin ? m_kins.avatarUrl(kin.value()) : QString());
}

QJsonArray MiniAppService::summaries(const QList<MiniApp> &apps) const
{
    QHash<QString, QPair<QString, QString>> kins; // kinId → (name, avatar URL)
    QJsonArray out;
    for (const MiniApp &a : apps) {
        auto it = kins.find(a.kinId);
        if (it == kins.end()) {
            auto kin = m_kins.resolve(a.kinId);
            it = kins.insert(a.kinId, kin ? qMakePair(kin->name, m_kins.avatarUrl(kin.value()))
                                          : qMakePair(QStringLiteral("Unknown"), QString()));
        }
        out.append(a.toJson(it->first, it->second));
    }
    return out;
}

void MiniAppService::emitUpdated(const MiniApp &app)
{
    m_bus.toKin(app.kinId, QStringLiteral("miniapp:updated"), {{QStringLiteral("app"), summary(app)}});
}

Result<MiniApp> MiniAppService::create(const NewMiniApp &in)
{
    auto kin = m_kins.resolve(in.kinId);
    if (!kin)
        return kin.error();
    const QString name = in.name.trimmed();
    if (name.isEmpty() || in.slug.isEmpty())
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("kinId, name, and slug are required"));
    if (name.size() > kMaxNameLength)
        return createFailed(QStringLiteral("name is limited to %1 characters").arg(kMaxNameLength));
    // The reference's REST accepts any slug; a slug ends up in URLs, so it gets the tool's rule everywhere.
    if (!isValidSlug(in.slug))
        return createFailed(QStringLiteral("Invalid slug \"%1\": lower-case letters, digits and hyphens, not starting or ending "
                                           "with a hyphen (max %2 characters)")
                                .arg(in.slug)
                                .arg(kMaxSlugLength));
    auto count = m_store.countForKin(kin->id);
    if (!count)
        return count.error();
    if (count.value() >= kMaxAppsPerKin)
        return createFailed(QStringLiteral("Maximum of %1 apps per Kin reached").arg(kMaxAppsPerKin));
    auto existing = m_store.findBySlug(kin->id, in.slug);
    if (!existing)
        return existing.error();
    if (existing.value())
        return createFailed(QStringLiteral("An app with slug \"%1\" already exists for this Kin").arg(in.slug));

    MiniApp app;
    app.id = ids::uuid();
    app.kinId = kin->id;
    app.name = name;
    app.slug = in.slug;
    app.description = in.description;
    app.icon = in.icon;
    app.createdAt = app.updatedAt = m_clock.nowMs();
    const QString dir = appDir(app);
    // Files first (validated and capped), then the row: a failure leaves neither behind.
    if (Status st = m_files.createAppDir(dir); !st)
        return st.error();
    for (const auto &[path, content] : in.files) {
        auto written = m_files.write(dir, path, content);
        if (!written) {
            m_files.removeAppDir(dir);
            return createFailed(written.error().message);
        }
        if (isBackendFile(path))
            app.hasBackend = true;
    }
    if (!in.files.isEmpty())
        app.version = 2; // the reference's row starts at 1 and its first write bumps it
    if (Status st = m_store.insert(app); !st) {
        m_files.removeAppDir(dir);
        return st.error();
    }
    m_bus.toKin(app.kinId, QStringLiteral("miniapp:created"), {{QStringLiteral("app"), summary(app)}});
    return app;
}

Result<MiniApp> MiniAppService::get(const QString &id) const
{
    return require(id);
}

Result<MiniApp> MiniAppService::bySlug(const QString &kinId, const QString &slug) const
{
    auto found = m_store.findBySlug(kinId, slug);
    if (!found)
        return found.error();
    if (!found.value())
        return appNotFound();
    return *found.value();
}

Result<QList<MiniApp>> MiniAppService::list(const QString &kinId) const
{
    return kinId.isEmpty() ? m_store.active() : m_store.byKin(kinId);
}

Result<MiniApp> MiniAppService::update(const QString &id, const MiniAppChange &change)
{
    auto app = require(id);
    if (!app)
        return app.error();
    MiniAppChange c = change;
    if (c.name) {
        *c.name = c.name->trimmed();
        if (c.name->isEmpty() || c.name->size() > kMaxNameLength)
            return ApiError::validation(QStringLiteral("name must be 1 to %1 characters").arg(kMaxNameLength));
    }
    if (c.entryFile) {
        auto resolved = MiniAppFiles::resolve(appDir(app.value()), *c.entryFile);
        if (!resolved)
            return ApiError::validation(QStringLiteral("entryFile: %1").arg(resolved.error().message));
    }
    if (Status st = m_store.update(id, c, m_clock.nowMs()); !st)
        return st.error();
    auto updated = require(id);
    if (updated)
        emitUpdated(updated.value());
    return updated;
}

Status MiniAppService::remove(const QString &id)
{
    auto app = require(id);
    if (!app)
        return app.error();
    if (Status st = m_store.remove(id); !st)
        return st;
    m_files.removeAppDir(appDir(app.value()));
    m_console.clear(id);
    Q_EMIT backendInvalidated(id);
    m_bus.toKin(app->kinId, QStringLiteral("miniapp:deleted"), {{QStringLiteral("appId"), id}});
    return {};
}

Result<QList<MiniAppFile>> MiniAppService::listFiles(const QString &id) const
{
    auto app = require(id);
    if (!app)
        return app.error();
    return m_files.list(appDir(app.value()));
}

Result<QByteArray> MiniAppService::readFile(const QString &id, const QString &path) const
{
    auto app = require(id);
    if (!app)
        return app.error();
    return m_files.read(appDir(app.value()), path);
}

Result<MiniAppService::Written> MiniAppService::writeFile(const QString &id, const QString &path, const QByteArray &content)
{
    auto app = require(id);
    if (!app)
        return app.error();
    auto size = m_files.write(appDir(app.value()), path, content);
    if (!size)
        return size.error();
    auto version = m_store.bumpVersion(id, isBackendFile(path) ? std::optional<bool>(true) : std::nullopt, m_clock.nowMs());
    if (!version)
        return version.error();
    if (isBackendFile(path))
        Q_EMIT backendInvalidated(id);
    m_bus.toKin(app->kinId, QStringLiteral("miniapp:file-updated"),
                {{QStringLiteral("appId"), id}, {QStringLiteral("path"), path}, {QStringLiteral("version"), version.value()}});
    return Written{size.value(), version.value()};
}

Result<int> MiniAppService::deleteFile(const QString &id, const QString &path)
{
    auto app = require(id);
    if (!app)
        return app.error();
    const QString dir = appDir(app.value());
    auto removed = m_files.remove(dir, path);
    if (!removed)
        return removed.error();
    if (!removed.value())
        return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("File not found"));
    std::optional<bool> hasBackend;
    if (isBackendFile(path))
        hasBackend = m_files.exists(dir, QStringLiteral("_server.js")) || m_files.exists(dir, QStringLiteral("_server.ts"));
    auto version = m_store.bumpVersion(id, hasBackend, m_clock.nowMs());
    if (!version)
        return version.error();
    if (hasBackend)
        Q_EMIT backendInvalidated(id);
    m_bus.toKin(app->kinId, QStringLiteral("miniapp:file-updated"),
                {{QStringLiteral("appId"), id}, {QStringLiteral("path"), path}, {QStringLiteral("version"), version.value()}});
    return version.value();
}

Result<QList<MiniAppSnapshot>> MiniAppService::snapshots(const QString &id) const
{
    if (Status st = requireApp(id); !st)
        return st.error();
    return mapRows(m_db.selectAll(QStringLiteral("SELECT id, version, label, file_manifest, created_at FROM mini_app_snapshots "
                                                 "WHERE app_id = ? ORDER BY version DESC, id DESC"),
                                  {id}),
                   snapshotFromRow);
}

Result<MiniAppSnapshot> MiniAppService::snapshotNow(const MiniApp &app, const std::optional<QString> &label)
{
    const QString dir = appDir(app);
    auto current = m_files.list(dir);
    if (!current)
        return current.error();
    if (current->isEmpty())
        return ApiError::badRequest(QStringLiteral("NO_FILES"), QStringLiteral("No files to snapshot"));
    // The row first (its id names the folder), the copies next; a failed copy takes the row back out.
    QJsonArray manifest;
    for (const MiniAppFile &f : current.value())
        manifest.append(QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("size"), f.size}});
    const qint64 now = m_clock.nowMs();
    auto inserted = m_db.run(QStringLiteral("INSERT INTO mini_app_snapshots(app_id, version, label, file_manifest, created_at) VALUES(?,?,?,?,?)"),
                             {app.id, app.version, label ? QVariant(*label) : QVariant(), QString::fromUtf8(json::compact(manifest)), now});
    if (!inserted)
        return inserted.error();
    auto idRow = m_db.selectOne(QStringLiteral("SELECT MAX(id) FROM mini_app_snapshots WHERE app_id = ?"), {app.id});
    if (!idRow || !idRow.value())
        return idRow ? ApiError::internal() : idRow.error();
    MiniAppSnapshot s;
    s.id = idRow.value()->at(0).toLongLong();
    s.version = app.version;
    s.label = label;
    s.createdAt = now;
    auto copied = m_files.copyToSnapshot(dir, snapshotDirName(s.id));
    if (!copied) {
        (void)m_db.run(QStringLiteral("DELETE FROM mini_app_snapshots WHERE id = ?"), {s.id});
        return copied.error();
    }
    for (const MiniAppFile &f : copied.value())
        s.files.append(f.path);
    return s;
}

Status MiniAppService::pruneSnapshots(const MiniApp &app)
{
    auto stale = m_db.selectAll(QStringLiteral("SELECT id FROM mini_app_snapshots WHERE app_id = ? ORDER BY version DESC, id DESC LIMIT -1 OFFSET ?"),
                                {app.id, kMaxSnapshots});
    if (!stale)
        return stale.error();
    for (const Database::Row &r : stale.value()) {
        const qint64 sid = r.at(0).toLongLong();
        if (auto del = m_db.run(QStringLiteral("DELETE FROM mini_app_snapshots WHERE id = ?"), {sid}); !del)
            return del.error();
        m_files.removeSnapshot(appDir(app), snapshotDirName(sid));
    }
    return {};
}

Result<MiniAppSnapshot> MiniAppService::createSnapshot(const QString &id, const std::optional<QString> &label)
{
    auto app = require(id);
    if (!app)
        return app.error();
    auto s = snapshotNow(app.value(), label);
    if (s)
        (void)pruneSnapshots(app.value());
    return s;
}

Result<QString> MiniAppService::rollback(const QString &id, int version)
{
    auto app = require(id);
    if (!app)
        return app.error();
    if (version < 1)
        return ApiError::badRequest(QStringLiteral("INVALID_VERSION"), QStringLiteral("Version must be a positive integer"));
    auto target = mapRow(m_db.selectOne(QStringLiteral("SELECT id, version, label, file_manifest, created_at FROM mini_app_snapshots "
                                                       "WHERE app_id = ? AND version = ? ORDER BY id DESC LIMIT 1"),
                                        {id, version}),
                         snapshotFromRow);
    if (!target)
        return target.error();
    if (!target.value())
        return ApiError::badRequest(QStringLiteral("ROLLBACK_FAILED"), QStringLiteral("Snapshot for version %1 not found").arg(version));
    const MiniAppSnapshot snap = *target.value();
    const QString dir = appDir(app.value());
    // A backup of what is there now, so a rollback can itself be undone (skipped when the app has no files).
    auto backup = snapshotNow(app.value(), QStringLiteral("auto-backup before rollback to v%1").arg(version));
    if (!backup && backup.error().code != QLatin1String("NO_FILES"))
        return backup.error();
    if (Status st = m_files.restoreSnapshot(dir, snapshotDirName(snap.id), snap.files); !st)
        return st.error();
    const bool hasBackend = m_files.exists(dir, QStringLiteral("_server.js")) || m_files.exists(dir, QStringLiteral("_server.ts"));
    auto newVersion = m_store.bumpVersion(id, hasBackend, m_clock.nowMs());
    if (!newVersion)
        return newVersion.error();
    (void)pruneSnapshots(app.value());
    Q_EMIT backendInvalidated(id);
    auto updated = require(id);
    if (updated) {
        emitUpdated(updated.value());
        // Open views reload on file-updated; the reference sends only miniapp:updated, so its iframe kept the old files.
        m_bus.toKin(app->kinId, QStringLiteral("miniapp:file-updated"),
                    {{QStringLiteral("appId"), id}, {QStringLiteral("path"), updated->entryFile}, {QStringLiteral("version"), newVersion.value()}});
    }
    return QStringLiteral("Rolled back to version %1. New version: %2. %3 files restored.").arg(version).arg(newVersion.value()).arg(snap.files.size());
}

QString MiniAppService::iconPrompt(const MiniApp &app)
{
    QString prompt = QStringLiteral("A flat design app icon for \"%1\"").arg(app.name);
    if (app.description && !app.description->isEmpty())
        prompt += QStringLiteral(": %1").arg(app.description->left(300));
    return prompt + QStringLiteral(". Simple, centred symbol, bold colours, rounded square background, no text.");
}

Result<MiniApp> MiniAppService::setIcon(const QString &id, const QByteArray &image, const QString &mediaType)
{
    const QString ext = mediaType == QLatin1String("image/webp")   ? QStringLiteral("webp")
                        : mediaType == QLatin1String("image/jpeg") ? QStringLiteral("jpg")
                                                                   : QStringLiteral("png");
    auto app = require(id);
    if (!app)
        return app.error();
    const QString dir = appDir(app.value());
    for (const char *old : {"_icon.png", "_icon.webp", "_icon.jpg"})
        (void)m_files.remove(dir, QLatin1String(old));
    const QString file = QStringLiteral("_icon.") + ext;
    auto written = m_files.write(dir, file, image);
    if (!written)
        return written.error();
    MiniAppChange c;
    c.iconUrl = std::optional<QString>(QStringLiteral("/api/mini-apps/%1/static/%2?v=%3").arg(id, file).arg(m_clock.nowMs()));
    return update(id, c);
}

} // namespace kinbot
