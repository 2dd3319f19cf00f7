#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

// In-memory zip archives (libzip), for Kin export/import.
namespace kinbot::ziparchive {

struct Entry
{
    QString name;
    QByteArray data;
};

// Deflated archive of the entries, in order.
Result<QByteArray> write(const QList<Entry> &entries);

// Every regular file of an archive. Refuses (400 INVALID_ARCHIVE) what is not a zip, more than maxEntries entries, an
// entry larger than maxEntryBytes or a total above maxTotalBytes once inflated (zip bombs), and names with "..",
// a leading '/' or a backslash.
Result<QList<Entry>> read(const QByteArray &zip, int maxEntries = 16, qint64 maxEntryBytes = 16 * 1024 * 1024,
                          qint64 maxTotalBytes = 32 * 1024 * 1024);

} // namespace kinbot::ziparchive
