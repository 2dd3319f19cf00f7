#include "files/UploadStore.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Files.h"
#include "util/Ids.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace kinbot {

static const QString kColumns = QStringLiteral("id, kin_id, message_id, uploaded_by, original_name, stored_path, mime_type, size, created_at");

static UploadedFile fromRow(const Database::Row &r)
{
    UploadedFile f;
    f.id = r.value(0).toString();
    f.kinId = r.value(1).toString();
    f.messageId = r.value(2).toString();
    f.uploadedBy = r.value(3).toString();
    f.originalName = r.value(4).toString();
    f.storedPath = r.value(5).toString();
    f.mimeType = r.value(6).toString();
    f.size = r.value(7).toLongLong();
    f.createdAt = r.value(8).toLongLong();
    return f;
}

QJsonObject UploadedFile::toJson() const
{
    return {{QStringLiteral("id"), id}, {QStringLiteral("name"), originalName}, {QStringLiteral("mimeType"), mimeType},
            {QStringLiteral("size"), size}, {QStringLiteral("url"), url()}};
}

UploadStore::UploadStore(const Database &db, const Clock &clock, QString uploadsDir)
    : m_db(db), m_clock(clock), m_uploadsDir(std::move(uploadsDir))
{
}

Result<UploadedFile> UploadStore::store(const QString &kinId, const QString &userId, const QString &fileName, const QByteArray &data)
{
    if (data.isEmpty())
        return ApiError::badRequest(QStringLiteral("UPLOAD_ERROR"), QStringLiteral("The file is empty"));
    if (data.size() > kMaxFileBytes)
        return ApiError::badRequest(QStringLiteral("FILE_TOO_LARGE"), QStringLiteral("Files are limited to 50 MB"));
    UploadedFile f;
    f.id = ids::uuid();
    f.kinId = kinId;
    f.uploadedBy = userId;
    f.originalName = files::displayName(fileName);
    f.storedPath = QStringLiteral("messages/%1/%2.%3").arg(kinId, f.id, files::safeExtension(f.originalName));
    f.mimeType = files::mimeTypeOf(f.originalName, data);
    f.size = data.size();
    f.createdAt = m_clock.nowMs();

    const QString path = absolutePath(f);
    if (Status st = files::writeAtomically(path, data, QStringLiteral("file")); !st)
        return st.error();
    auto ins = m_db.run(QStringLiteral("INSERT INTO files (%1) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)").arg(kColumns),
                        {f.id, kinId, userId.isEmpty() ? QVariant() : QVariant(userId), f.originalName, f.storedPath, f.mimeType, f.size, f.createdAt});
    if (!ins) {
        QFile::remove(path);
        return ins.error();
    }
    return f;
}

Status UploadStore::checkAttachable(const QString &kinId, const QStringList &ids) const
{
    for (const QString &id : ids) {
        auto row = m_db.selectOne(QStringLiteral("SELECT 1 FROM files WHERE id = ? AND kin_id = ? AND message_id IS NULL"), {id, kinId});
        if (!row)
            return row.error();
        if (!row.value())
            return ApiError::badRequest(QStringLiteral("INVALID_FILE_ID"),
                                        QStringLiteral("File %1 is not an unattached upload for this Kin").arg(id));
    }
    return {};
}

Status UploadStore::attach(const QString &kinId, const QString &messageId, const QStringList &ids)
{
    for (const QString &id : ids) {
        auto n = m_db.run(QStringLiteral("UPDATE files SET message_id = ? WHERE id = ? AND kin_id = ? AND message_id IS NULL"),
                          {messageId, id, kinId});
        if (!n)
            return n.error();
    }
    return {};
}

Result<QList<UploadedFile>> UploadStore::ofMessage(const QString &messageId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM files WHERE message_id = ? ORDER BY created_at, rowid").arg(kColumns),
                                  {messageId}), fromRow);
}

QJsonArray UploadStore::filesJsonOf(const QString &messageId) const
{
    QJsonArray out;
    if (auto files = ofMessage(messageId))
        for (const UploadedFile &f : files.value())
            out.append(f.toJson());
    return out;
}

QString UploadStore::absolutePath(const UploadedFile &f) const
{
    return m_uploadsDir + QLatin1Char('/') + f.storedPath;
}

QByteArray UploadStore::read(const UploadedFile &f, qint64 maxBytes) const
{
    QFile file(absolutePath(f));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(maxBytes);
}

Status UploadStore::removeForKinMessages(const QString &kinId)
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT %1 FROM files WHERE kin_id = ? AND message_id IS NOT NULL").arg(kColumns), {kinId});
    if (!rows)
        return rows.error();
    for (const auto &r : rows.value())
        QFile::remove(absolutePath(fromRow(r)));
    auto del = m_db.run(QStringLiteral("DELETE FROM files WHERE kin_id = ? AND message_id IS NOT NULL"), {kinId});
    return del ? Status() : Status(del.error());
}

} // namespace kinbot
