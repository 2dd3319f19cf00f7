#include "miniapps/MiniAppFiles.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSaveFile>

namespace kinbot {

namespace {

ApiError invalidPath(const QString &why)
{
    return ApiError::badRequest(QStringLiteral("INVALID_PATH"), QStringLiteral("Invalid path: %1").arg(why));
}

ApiError ioError(const QString &what)
{
    return ApiError::internal(what);
}

bool insideDir(const QString &dir, const QString &path)
{
    return path == dir || path.startsWith(dir + QLatin1Char('/'));
}

qint64 sizeOfTree(const QString &dir, const QString &skipFirstSegment)
{
    qint64 total = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QString rel = QDir(dir).relativeFilePath(it.filePath());
        if (!skipFirstSegment.isEmpty() && rel.section(QLatin1Char('/'), 0, 0) == skipFirstSegment)
            continue;
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

QJsonObject MiniAppFile::toJson() const
{
    return {{QStringLiteral("path"), path}, {QStringLiteral("size"), size}, {QStringLiteral("mimeType"), mimeType}};
}

QString MiniAppFiles::appDir(const QString &kinId, const QString &appId) const
{
    return QDir(m_root).filePath(kinId + QLatin1Char('/') + appId);
}

Result<QString> MiniAppFiles::resolve(const QString &appDir, const QString &relativePath)
{
    if (relativePath.isEmpty())
        return ApiError::badRequest(QStringLiteral("MISSING_PATH"), QStringLiteral("A file path is required"));
    if (relativePath.size() > 512)
        return invalidPath(QStringLiteral("too long"));
    for (const QChar c : relativePath)
        if (c.unicode() < 0x20 || c == QChar(0x7f) || c == QLatin1Char('\\') || c == QLatin1Char(':'))
            return invalidPath(QStringLiteral("forbidden character"));
    if (relativePath.startsWith(QLatin1Char('/')))
        return invalidPath(QStringLiteral("absolute paths are not allowed"));
    const QStringList segments = relativePath.split(QLatin1Char('/'));
    for (const QString &s : segments) {
        if (s.isEmpty())
            return invalidPath(QStringLiteral("empty path segment"));
        if (s == QLatin1String(".") || s == QLatin1String(".."))
            return invalidPath(QStringLiteral("path traversal detected"));
    }
    if (segments.first() == QLatin1String(kSnapshotsDir))
        return invalidPath(QStringLiteral("%1 is reserved").arg(QLatin1String(kSnapshotsDir)));
    const QString base = QDir::cleanPath(QDir(appDir).absolutePath());
    const QString full = QDir::cleanPath(base + QLatin1Char('/') + relativePath);
    if (!insideDir(base, full) || full == base)
        return invalidPath(QStringLiteral("path traversal detected"));
    // A symlink on the way (none is ever made through the API, but the directory is the user's) must not lead out.
    const QString realBase = QFileInfo(base).canonicalFilePath();
    for (QFileInfo probe(full); !realBase.isEmpty() && probe.absoluteFilePath() != base; probe = QFileInfo(probe.absolutePath())) {
        if (probe.exists() || probe.isSymLink()) {
            const QString real = probe.canonicalFilePath();
            if (real.isEmpty() || !insideDir(realBase, real))
                return invalidPath(QStringLiteral("path traversal detected"));
            break;
        }
    }
    return full;
}

Status MiniAppFiles::createAppDir(const QString &appDir) const
{
    if (!QDir().mkpath(appDir))
        return ioError(QStringLiteral("Could not create the app directory"));
    return {};
}

Status MiniAppFiles::removeAppDir(const QString &appDir) const
{
    QDir dir(appDir);
    if (dir.exists() && !dir.removeRecursively())
        return ioError(QStringLiteral("Could not remove the app directory"));
    return {};
}

Result<QList<MiniAppFile>> MiniAppFiles::list(const QString &appDir) const
{
    QList<MiniAppFile> out;
    const QDir base(appDir);
    if (!base.exists())
        return out;
    QDirIterator it(appDir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QString rel = base.relativeFilePath(it.filePath());
        if (rel.section(QLatin1Char('/'), 0, 0) == QLatin1String(kSnapshotsDir))
            continue;
        out.append({rel, it.fileInfo().size(), mimeTypeFor(rel)});
    }
    std::sort(out.begin(), out.end(), [](const MiniAppFile &a, const MiniAppFile &b) { return a.path < b.path; });
    return out;
}

Result<QByteArray> MiniAppFiles::read(const QString &appDir, const QString &relativePath) const
{
    auto full = resolve(appDir, relativePath);
    if (!full)
        return full.error();
    QFile f(full.value());
    if (!QFileInfo(f).isFile() || !f.open(QIODevice::ReadOnly))
        return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("File not found: %1").arg(relativePath));
    return f.readAll();
}

Result<qint64> MiniAppFiles::write(const QString &appDir, const QString &relativePath, const QByteArray &content) const
{
    auto full = resolve(appDir, relativePath);
    if (!full)
        return full.error();
    if (content.size() > m_limits.maxFileBytes)
        return ApiError::tooLarge(QStringLiteral("File too large: max %1 MB").arg(m_limits.maxFileBytes / (1024 * 1024)));
    const QFileInfo target(full.value());
    if (target.isDir())
        return invalidPath(QStringLiteral("a directory has that name"));
    const qint64 others = sizeOfTree(appDir, QLatin1String(kSnapshotsDir)) - (target.isFile() ? target.size() : 0);
    if (others + content.size() > m_limits.maxAppBytes)
        return ApiError::tooLarge(QStringLiteral("App too large: all its files together are limited to %1 MB")
                                      .arg(m_limits.maxAppBytes / (1024 * 1024)));
    if (!QDir().mkpath(target.absolutePath()))
        return ioError(QStringLiteral("Could not create the folder of %1").arg(relativePath));
    QSaveFile f(full.value());
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size() || !f.commit())
        return ioError(QStringLiteral("Could not write %1").arg(relativePath));
    return qint64(content.size());
}

Result<bool> MiniAppFiles::remove(const QString &appDir, const QString &relativePath) const
{
    auto full = resolve(appDir, relativePath);
    if (!full)
        return full.error();
    const QFileInfo info(full.value());
    if (!info.isFile())
        return false;
    if (!QFile::remove(full.value()))
        return ioError(QStringLiteral("Could not delete %1").arg(relativePath));
    // Empty folders left behind go too (not the app directory itself).
    const QString base = QDir::cleanPath(QDir(appDir).absolutePath());
    for (QDir d(info.absolutePath()); QDir::cleanPath(d.absolutePath()) != base && d.isEmpty(); ) {
        const QString name = d.dirName();
        if (!d.cdUp() || !d.rmdir(name))
            break;
    }
    return true;
}

bool MiniAppFiles::exists(const QString &appDir, const QString &relativePath) const
{
    auto full = resolve(appDir, relativePath);
    return full && QFileInfo(full.value()).isFile();
}

Result<QList<MiniAppFile>> MiniAppFiles::copyToSnapshot(const QString &appDir, const QString &snapshotName) const
{
    auto files = list(appDir);
    if (!files)
        return files.error();
    const QString target = QDir(appDir).filePath(QLatin1String(kSnapshotsDir) + QLatin1Char('/') + snapshotName);
    QDir(target).removeRecursively();
    for (const MiniAppFile &f : files.value()) {
        const QString to = QDir(target).filePath(f.path);
        if (!QDir().mkpath(QFileInfo(to).absolutePath()) || !QFile::copy(QDir(appDir).filePath(f.path), to)) {
            QDir(target).removeRecursively();
            return ioError(QStringLiteral("Could not copy %1 into the snapshot").arg(f.path));
        }
    }
    return files;
}

Status MiniAppFiles::restoreSnapshot(const QString &appDir, const QString &snapshotName, const QStringList &paths) const
{
    const QDir source(QDir(appDir).filePath(QLatin1String(kSnapshotsDir) + QLatin1Char('/') + snapshotName));
    for (const QString &p : paths)
        if (!QFileInfo(source.filePath(p)).isFile())
            return ApiError::badRequest(QStringLiteral("ROLLBACK_FAILED"), QStringLiteral("Snapshot files not found on disk"));
    // Current files out (not the snapshots), then the copies back.
    const QDir base(appDir);
    for (const QFileInfo &entry : base.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System)) {
        if (entry.fileName() == QLatin1String(kSnapshotsDir))
            continue;
        const bool gone = entry.isDir() && !entry.isSymLink() ? QDir(entry.absoluteFilePath()).removeRecursively()
                                                             : QFile::remove(entry.absoluteFilePath());
        if (!gone)
            return ioError(QStringLiteral("Could not clear %1 before the rollback").arg(entry.fileName()));
    }
    for (const QString &p : paths) {
        const QString to = base.filePath(p);
        if (!QDir().mkpath(QFileInfo(to).absolutePath()) || !QFile::copy(source.filePath(p), to))
            return ioError(QStringLiteral("Could not restore %1").arg(p));
    }
    return {};
}

Status MiniAppFiles::removeSnapshot(const QString &appDir, const QString &snapshotName) const
{
    QDir d(QDir(appDir).filePath(QLatin1String(kSnapshotsDir) + QLatin1Char('/') + snapshotName));
    if (d.exists() && !d.removeRecursively())
        return ioError(QStringLiteral("Could not remove a snapshot"));
    return {};
}

QString MiniAppFiles::mimeTypeFor(const QString &path)
{
    static const QHash<QString, QString> types{
        {QStringLiteral("html"), QStringLiteral("text/html")},
        {QStringLiteral("htm"), QStringLiteral("text/html")},
        {QStringLiteral("css"), QStringLiteral("text/css")},
        {QStringLiteral("js"), QStringLiteral("application/javascript")},
        // The reference serves these as octet-stream, which nosniff browsers refuse to run (miniapps.md §7.12).
        {QStringLiteral("mjs"), QStringLiteral("application/javascript")},
        {QStringLiteral("jsx"), QStringLiteral("application/javascript")},
        {QStringLiteral("tsx"), QStringLiteral("application/javascript")},
        {QStringLiteral("json"), QStringLiteral("application/json")},
        {QStringLiteral("map"), QStringLiteral("application/json")},
        {QStringLiteral("svg"), QStringLiteral("image/svg+xml")},
        {QStringLiteral("png"), QStringLiteral("image/png")},
        {QStringLiteral("jpg"), QStringLiteral("image/jpeg")},
        {QStringLiteral("jpeg"), QStringLiteral("image/jpeg")},
        {QStringLiteral("gif"), QStringLiteral("image/gif")},
        {QStringLiteral("webp"), QStringLiteral("image/webp")},
        {QStringLiteral("avif"), QStringLiteral("image/avif")},
        {QStringLiteral("ico"), QStringLiteral("image/x-icon")},
        {QStringLiteral("woff"), QStringLiteral("font/woff")},
        {QStringLiteral("woff2"), QStringLiteral("font/woff2")},
        {QStringLiteral("ttf"), QStringLiteral("font/ttf")},
        {QStringLiteral("otf"), QStringLiteral("font/otf")},
        {QStringLiteral("txt"), QStringLiteral("text/plain")},
        {QStringLiteral("md"), QStringLiteral("text/markdown")},
        {QStringLiteral("csv"), QStringLiteral("text/csv")},
        {QStringLiteral("xml"), QStringLiteral("application/xml")},
        {QStringLiteral("mp3"), QStringLiteral("audio/mpeg")},
        {QStringLiteral("wav"), QStringLiteral("audio/wav")},
        {QStringLiteral("ogg"), QStringLiteral("audio/ogg")},
        {QStringLiteral("mp4"), QStringLiteral("video/mp4")},
        {QStringLiteral("webm"), QStringLiteral("video/webm")},
        {QStringLiteral("pdf"), QStringLiteral("application/pdf")},
        {QStringLiteral("wasm"), QStringLiteral("application/wasm")},
    };
    const QString ext = path.section(QLatin1Char('/'), -1).section(QLatin1Char('.'), -1).toLower();
    if (!path.section(QLatin1Char('/'), -1).contains(QLatin1Char('.')))
        return QStringLiteral("application/octet-stream");
    return types.value(ext, QStringLiteral("application/octet-stream"));
}

} // namespace kinbot
