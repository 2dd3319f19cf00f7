#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

// Storing files that clients send: names they may not choose, content written atomically.
namespace kinbot::files {

// The last path segment of a client-supplied file name, at most 255 characters; "file" when nothing is left.
QString displayName(const QString &clientName);
// A stored file's extension from a client name: ASCII letters and digits, at most 10 characters, else "bin".
QString safeExtension(const QString &fileName);
// The MIME type from the name and the first bytes.
QString mimeTypeOf(const QString &fileName, const QByteArray &data);
// Writes path atomically (temporary file + rename), creating its folder. Fails with an Internal error naming what.
Status writeAtomically(const QString &path, const QByteArray &data, const QString &what);
// Stores an image as <dir>/<base>.<ext> and removes the same base under the other image extensions.
Status replaceImage(const QString &dir, const QString &base, const QString &ext, const QByteArray &data);

} // namespace kinbot::files
