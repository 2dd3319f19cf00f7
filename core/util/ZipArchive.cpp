#include "util/ZipArchive.h"

#include <zip.h>

#include <memory>

namespace kinbot::ziparchive {

static ApiError invalid(const QString &why)
{
    return ApiError::badRequest(QStringLiteral("INVALID_ARCHIVE"), why);
}

Result<QByteArray> write(const QList<Entry> &entries)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!buffer)
        return ApiError::internal(QStringLiteral("zip: cannot create a buffer"));
    zip_t *archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    if (!archive) {
        zip_source_free(buffer);
        return ApiError::internal(QStringLiteral("zip: %1").arg(QString::fromUtf8(zip_error_strerror(&error))));
    }
    zip_source_keep(buffer); // still needed after zip_close to read the bytes back
    for (const Entry &e : entries) {
        // libzip copies nothing until zip_close: keep each payload alive in the source (freep = 0 → copy it now).
        void *copy = malloc(size_t(qMax<qsizetype>(1, e.data.size())));
        memcpy(copy, e.data.constData(), size_t(e.data.size()));
        zip_source_t *src = zip_source_buffer(archive, copy, zip_uint64_t(e.data.size()), 1);
        if (!src || zip_file_add(archive, e.name.toUtf8().constData(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            if (src)
                zip_source_free(src);
            else
                free(copy);
            zip_discard(archive);
            zip_source_free(buffer);
            return ApiError::internal(QStringLiteral("zip: cannot add %1").arg(e.name));
        }
    }
    if (zip_close(archive) < 0) {
        zip_discard(archive);
        zip_source_free(buffer);
        return ApiError::internal(QStringLiteral("zip: cannot finish the archive"));
    }
    QByteArray out;
    zip_stat_t st;
    if (zip_source_open(buffer) == 0) {
        if (zip_source_stat(buffer, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
            out.resize(qsizetype(st.size));
            const zip_int64_t n = zip_source_read(buffer, out.data(), st.size);
            if (n != zip_int64_t(st.size))
                out.clear();
        }
        zip_source_close(buffer);
    }
    zip_source_free(buffer);
    if (out.isEmpty())
        return ApiError::internal(QStringLiteral("zip: cannot read the archive back"));
    return out;
}

Result<QList<Entry>> read(const QByteArray &zipBytes, int maxEntries, qint64 maxEntryBytes, qint64 maxTotalBytes)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *src = zip_source_buffer_create(zipBytes.constData(), zip_uint64_t(zipBytes.size()), 0, &error);
    if (!src)
        return ApiError::internal(QStringLiteral("zip: cannot create a buffer"));
    zip_t *archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!archive) {
        zip_source_free(src);
        return invalid(QStringLiteral("Not a zip archive"));
    }
    std::unique_ptr<zip_t, void (*)(zip_t *)> guard(archive, [](zip_t *z) { zip_discard(z); });
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count > maxEntries)
        return invalid(QStringLiteral("The archive holds too many files"));
    QList<Entry> out;
    qint64 total = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t st;
        if (zip_stat_index(archive, zip_uint64_t(i), 0, &st) != 0)
            return invalid(QStringLiteral("Unreadable archive entry"));
        const QString name = QString::fromUtf8(st.name);
        if (name.endsWith(QLatin1Char('/')))
            continue; // directory
        if (name.startsWith(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name.split(QLatin1Char('/')).contains(QStringLiteral("..")))
            return invalid(QStringLiteral("Unsafe file name in the archive: %1").arg(name));
        if (qint64(st.size) > maxEntryBytes || total + qint64(st.size) > maxTotalBytes)
            return invalid(QStringLiteral("The archive is too large once unpacked"));
        zip_file_t *f = zip_fopen_index(archive, zip_uint64_t(i), 0);
        if (!f)
            return invalid(QStringLiteral("Unreadable archive entry %1").arg(name));
        QByteArray data(qsizetype(st.size), Qt::Uninitialized);
        const zip_int64_t n = st.size ? zip_fread(f, data.data(), st.size) : 0;
        zip_fclose(f);
        if (n != zip_int64_t(st.size))
            return invalid(QStringLiteral("Corrupt archive entry %1").arg(name));
        total += n;
        out.append({name, data});
    }
    return out;
}

} // namespace kinbot::ziparchive
