#include "util/Files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QSaveFile>

namespace kinbot::files {

QString displayName(const QString &clientName)
{
    const QString name = QFileInfo(clientName).fileName().left(255);
    return name.isEmpty() ? QStringLiteral("file") : name;
}

QString safeExtension(const QString &fileName)
{
    const QString ext = QFileInfo(fileName).suffix().toLower();
    for (const QChar c : ext)
        if (!c.isLetterOrNumber() || c.unicode() > 127)
            return QStringLiteral("bin");
    return ext.isEmpty() || ext.size() > 10 ? QStringLiteral("bin") : ext;
}

QString mimeTypeOf(const QString &fileName, const QByteArray &data)
{
    static const QMimeDatabase mimes;
    return mimes.mimeTypeForFileNameAndData(fileName, data).name();
}

Status writeAtomically(const QString &path, const QByteArray &data, const QString &what)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return ApiError::internal(QStringLiteral("Cannot create the folder for the %1").arg(what));
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(data) != data.size() || !out.commit())
        return ApiError::internal(QStringLiteral("Cannot store the %1").arg(what));
    return {};
}

Status replaceImage(const QString &dir, const QString &base, const QString &ext, const QByteArray &data)
{
    const QString stem = dir + QLatin1Char('/') + base + QLatin1Char('.');
    if (Status st = writeAtomically(stem + ext, data, QStringLiteral("image")); !st)
        return st;
    for (const QString &other : {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("gif"), QStringLiteral("webp")})
        if (other != ext)
            QFile::remove(stem + other);
    return {};
}

} // namespace kinbot::files
