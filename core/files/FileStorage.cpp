#include "files/FileStorage.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Files.h"
#include "util/Ids.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace kinbot {

static const QString kColumns = QStringLiteral(
    "id, kin_id, name, description, original_name, stored_path, mime_type, size, access_token, password_hash, is_public, "
    "read_and_burn, expires_at, download_count, created_by_kin_id, created_by_user_id, created_at, updated_at");

static StoredFile fromRow(const Database::Row &r)
{
    StoredFile f;
    f.id = r.value(0).toString();
    f.kinId = r.value(1).toString();
    f.name = r.value(2).toString();
    f.description = r.value(3).toString();
    f.originalName = r.value(4).toString();
    f.storedPath = r.value(5).toString();
    f.mimeType = r.value(6).toString();
    f.size = r.value(7).toLongLong();
    f.accessToken = r.value(8).toString();
    f.passwordHash = r.value(9).toString();
    f.isPublic = r.value(10).toLongLong() != 0;
    f.readAndBurn = r.value(11).toLongLong() != 0;
    f.expiresAt = r.value(12).toLongLong();
    f.downloadCount = r.value(13).toLongLong();
    f.createdByKinId = r.value(14).toString();
    f.createdByUserId = r.value(15).toString();
    f.createdAt = r.value(16).toLongLong();
    f.updatedAt = r.value(17).toLongLong();
    return f;
}

static QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QJsonObject StoredFile::toJson(const QString &publicUrl) const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("name"), name},
            {QStringLiteral("description"), description.isEmpty() ? QJsonValue() : QJsonValue(description)},
            {QStringLiteral("originalName"), originalName},
            {QStringLiteral("mimeType"), mimeType},
            {QStringLiteral("size"), size},
            {QStringLiteral("isPublic"), isPublic},
            {QStringLiteral("hasPassword"), !passwordHash.isEmpty()},
            {QStringLiteral("readAndBurn"), readAndBurn},
            {QStringLiteral("expiresAt"), expiresAt ? QJsonValue(expiresAt) : QJsonValue()},
            {QStringLiteral("downloadCount"), downloadCount},
            {QStringLiteral("url"), publicUrl + QStringLiteral("/s/") + accessToken},
            {QStringLiteral("createdByKinId"), createdByKinId.isEmpty() ? QJsonValue() : QJsonValue(createdByKinId)},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("updatedAt"), updatedAt}};
}

FileStorage::FileStorage(const Database &db, const Clock &clock, QString storageDir)
    : m_db(db), m_clock(clock), m_dir(std::move(storageDir))
{
}

QString FileStorage::absolutePath(const StoredFile &f) const
{
    return m_dir + QLatin1Char('/') + f.storedPath;
}

static Status validate(const StoredFileChange &c)
{
    if (c.name && (c.name->trimmed().isEmpty() || c.name->size() > FileStorage::kMaxName))
        return ApiError::validation(QStringLiteral("name must be 1-%1 characters").arg(FileStorage::kMaxName));
    if (c.description && c.description->size() > FileStorage::kMaxDescription)
        return ApiError::validation(QStringLiteral("description is limited to %1 characters").arg(FileStorage::kMaxDescription));
    if (c.expiresInMinutes && (*c.expiresInMinutes < 0 || *c.expiresInMinutes > 525600))
        return ApiError::validation(QStringLiteral("expiresIn is in minutes, at most one year"));
    return {};
}

Result<StoredFile> FileStorage::create(const QString &kinId, const QString &fileName, const QByteArray &data,
                                       const StoredFileChange &options, const QString &createdByKinId, const QString &createdByUserId)
{
    if (data.isEmpty())
        return ApiError::badRequest(QStringLiteral("UPLOAD_ERROR"), QStringLiteral("The file is empty"));
    if (data.size() > kMaxFileBytes)
        return ApiError::badRequest(QStringLiteral("FILE_TOO_LARGE"), QStringLiteral("Stored files are limited to 100 MB"));
    if (Status st = validate(options); !st)
        return st.error();
    StoredFile f;
    f.id = ids::uuid();
    f.kinId = kinId;
    f.originalName = files::displayName(fileName);
    f.name = options.name ? options.name->trimmed() : f.originalName;
    f.description = options.description.value_or(QString());
    f.storedPath = QStringLiteral("%1/%2.%3").arg(kinId, f.id, files::safeExtension(f.originalName));
    f.mimeType = files::mimeTypeOf(f.originalName, data);
    f.size = data.size();
    f.accessToken = ids::uuid();
    f.passwordHash = options.passwordHash.value_or(QString());
    f.isPublic = options.isPublic.value_or(true);
    f.readAndBurn = options.readAndBurn.value_or(false);
    f.createdAt = f.updatedAt = m_clock.nowMs();
    if (options.expiresInMinutes && *options.expiresInMinutes > 0)
        f.expiresAt = f.createdAt + *options.expiresInMinutes * 60 * 1000;
    f.createdByKinId = createdByKinId;
    f.createdByUserId = createdByUserId;

    const QString path = absolutePath(f);
    if (Status st = files::writeAtomically(path, data, QStringLiteral("file")); !st)
        return st.error();
    auto ins = m_db.run(QStringLiteral("INSERT INTO file_storage (%1) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)").arg(kColumns),
                        {f.id, f.kinId, f.name, nullIfEmpty(f.description), f.originalName, f.storedPath, f.mimeType, f.size,
                         f.accessToken, nullIfEmpty(f.passwordHash), qint64(f.isPublic), qint64(f.readAndBurn),
                         f.expiresAt ? QVariant(f.expiresAt) : QVariant(), f.downloadCount, nullIfEmpty(f.createdByKinId),
                         nullIfEmpty(f.createdByUserId), f.createdAt, f.updatedAt});
    if (!ins) {
        QFile::remove(path);
        return ins.error();
    }
    return f;
}

Result<QList<StoredFile>> FileStorage::list(const QString &kinId) const
{
    auto rows = kinId.isEmpty()
                    ? m_db.selectAll(QStringLiteral("SELECT %1 FROM file_storage ORDER BY created_at DESC, rowid DESC").arg(kColumns))
                    : m_db.selectAll(QStringLiteral("SELECT %1 FROM file_storage WHERE kin_id = ? ORDER BY created_at DESC, rowid DESC").arg(kColumns),
                                     {kinId});
    return mapRows(rows, fromRow);
}

Result<QList<StoredFile>> FileStorage::search(const QString &kinId, const QString &query) const
{
    auto all = list(kinId);
    if (!all)
        return all;
    QList<StoredFile> out;
    for (const StoredFile &f : all.value())
        if (f.name.contains(query, Qt::CaseInsensitive) || f.description.contains(query, Qt::CaseInsensitive)
            || f.originalName.contains(query, Qt::CaseInsensitive))
            out.append(f);
    return out;
}

Result<StoredFile> FileStorage::find(const QString &id) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT %1 FROM file_storage WHERE id = ?").arg(kColumns), {id});
    if (!row)
        return row.error();
    if (!row.value())
        return ApiError::notFound(QStringLiteral("FILE_NOT_FOUND"), QStringLiteral("File not found"));
    return fromRow(*row.value());
}

Result<std::optional<StoredFile>> FileStorage::findByToken(const QString &token) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM file_storage WHERE access_token = ?").arg(kColumns), {token}), fromRow);
}

Result<StoredFile> FileStorage::update(const QString &id, const StoredFileChange &c)
{
    if (Status st = validate(c); !st)
        return st.error();
    auto existing = find(id);
    if (!existing)
        return existing;
    StoredFile f = existing.value();
    if (c.name)
        f.name = c.name->trimmed();
    if (c.description)
        f.description = *c.description;
    if (c.isPublic)
        f.isPublic = *c.isPublic;
    if (c.passwordHash)
        f.passwordHash = *c.passwordHash;
    if (c.readAndBurn)
        f.readAndBurn = *c.readAndBurn;
    f.updatedAt = m_clock.nowMs();
    if (c.expiresInMinutes)
        f.expiresAt = *c.expiresInMinutes > 0 ? f.updatedAt + *c.expiresInMinutes * 60 * 1000 : 0;
    auto n = m_db.run(QStringLiteral("UPDATE file_storage SET name = ?, description = ?, is_public = ?, password_hash = ?, read_and_burn = ?, "
                                     "expires_at = ?, updated_at = ? WHERE id = ?"),
                      {f.name, nullIfEmpty(f.description), qint64(f.isPublic), nullIfEmpty(f.passwordHash), qint64(f.readAndBurn),
                       f.expiresAt ? QVariant(f.expiresAt) : QVariant(), f.updatedAt, f.id});
    if (!n)
        return n.error();
    return f;
}

Status FileStorage::remove(const QString &id)
{
    auto f = find(id);
    if (!f)
        return f.error();
    auto n = m_db.run(QStringLiteral("DELETE FROM file_storage WHERE id = ?"), {id});
    if (!n)
        return n.error();
    QFile::remove(absolutePath(f.value()));
    return {};
}

Status FileStorage::countDownload(const QString &id)
{
    auto n = m_db.run(QStringLiteral("UPDATE file_storage SET download_count = download_count + 1 WHERE id = ?"), {id});
    return n ? Status() : Status(n.error());
}

Result<int> FileStorage::sweepExpired()
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id FROM file_storage WHERE expires_at IS NOT NULL AND expires_at <= ?"), {m_clock.nowMs()});
    if (!rows)
        return rows.error();
    int removed = 0;
    for (const auto &r : rows.value())
        if (remove(r.value(0).toString()))
            ++removed;
    return removed;
}

} // namespace kinbot
