#pragma once

#include <QByteArray>
#include <QString>

namespace kinbot::images {

// The file extension of an image recognised by its magic bytes (png, jpg, gif, webp), or empty: uploads are judged
// by their content, never by the name or Content-Type the client claims.
inline QString extensionOf(const QByteArray &d)
{
    if (d.startsWith("\x89PNG\r\n\x1a\n"))
        return QStringLiteral("png");
    if (d.startsWith("\xff\xd8\xff"))
        return QStringLiteral("jpg");
    if (d.startsWith("GIF87a") || d.startsWith("GIF89a"))
        return QStringLiteral("gif");
    if (d.size() >= 12 && d.startsWith("RIFF") && d.mid(8, 4) == "WEBP")
        return QStringLiteral("webp");
    return {};
}

inline QString mimeTypeOf(const QString &extension)
{
    return extension == QLatin1String("jpg") ? QStringLiteral("image/jpeg") : QStringLiteral("image/") + extension;
}

} // namespace kinbot::images
