#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace kinbot {

class Clock;
class Database;

struct UploadedFile
{
    QString id;
    QString kinId;
    QString messageId;
    QString uploadedBy;
    QString originalName;
    QString storedPath;  // relative to the uploads dir: messages/<kinId>/<id>.<ext>
    QString mimeType;
    qint64 size = 0;
    qint64 createdAt = 0;

    QString url() const { return QStringLiteral("/api/uploads/") + storedPath; }
    QJsonObject toJson() const; // {id, name, mimeType, size, url}
};

// Chat attachments (rest.md §3.17): uploaded first, then named by id in a message, linked to the message row when
// the message is processed. Main thread.
class UploadStore final
{
public:
    static constexpr qint64 kMaxFileBytes = 50LL * 1024 * 1024;

    UploadStore(const Database &db, const Clock &clock, QString uploadsDir);

    // 400 UPLOAD_ERROR (empty), FILE_TOO_LARGE.
    Result<UploadedFile> store(const QString &kinId, const QString &userId, const QString &fileName, const QByteArray &data);
    // Every id must name a not-yet-attached upload of this Kin (400 INVALID_FILE_ID otherwise).
    Status checkAttachable(const QString &kinId, const QStringList &ids) const;
    Status attach(const QString &kinId, const QString &messageId, const QStringList &ids);
    Result<QList<UploadedFile>> ofMessage(const QString &messageId) const;
    // The `files` array of a message's wire shape ([] when unreadable).
    QJsonArray filesJsonOf(const QString &messageId) const;
    // Reads a stored file's bytes (for the prompt), at most maxBytes.
    QByteArray read(const UploadedFile &f, qint64 maxBytes) const;
    QString absolutePath(const UploadedFile &f) const;
    // Removes the files of a Kin's cleared conversation (rows and bytes).
    Status removeForKinMessages(const QString &kinId);

private:
    const Database &m_db;
    const Clock &m_clock;
    QString m_uploadsDir;
};

} // namespace kinbot
