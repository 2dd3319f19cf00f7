#include "plugins/PluginFiles.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace kinbot::plugins {

Status copyPluginDirectory(const QString &source, const QString &target)
{
    const QDir from(source);
    QDir to(target);
    if (to.exists())
        return ApiError::conflict(QStringLiteral("PLUGIN_EXISTS"), QStringLiteral("%1 already exists").arg(target));
    auto fail = [&](const QString &why) -> Status {
        QDir(target).removeRecursively();
        return ApiError::internal(QStringLiteral("Copying the plugin failed: ") + why);
    };
    if (!to.mkpath(QStringLiteral(".")))
        return fail(QStringLiteral("cannot create ") + target);
    QDirIterator it(source, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        const QString rel = from.relativeFilePath(info.absoluteFilePath());
        if (rel == QLatin1String(".git") || rel.startsWith(QLatin1String(".git/")))
            continue;
        if (info.isDir()) {
            if (!to.mkpath(rel))
                return fail(QStringLiteral("cannot create ") + rel);
        } else if (info.isFile()) {
            to.mkpath(QFileInfo(rel).path());
            if (!QFile::copy(info.absoluteFilePath(), to.filePath(rel)))
                return fail(QStringLiteral("cannot copy ") + rel);
        }
    }
    return {};
}

} // namespace kinbot::plugins
