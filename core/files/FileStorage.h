#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace kinbot {

class Clock;
class Database;

struct StoredFile
{
    QString id;
    QString kinId;
    QString name;
    QString description;
    QString originalName;
    QString storedPath;   // relative to the storage dir: <kinId>/<id>.<ext>
    QString mimeType;
    qint64 size = 0;
    QString accessToken;
    QString passwordHash; // scrypt; empty = no password
    bool isPublic = true;
    bool readAndBurn = false;
    qint64 expiresAt = 0; // 0 = never
    qint64 downloadCount = 0;
    QString createdByKinId;
    QString createdByUserId;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool isExpired(qint64 nowMs) const { return expiresAt > 0 && nowMs >= expiresAt; }
    // The wire object of rest.md §3.16 (ms timestamps); url = <publicUrl>/s/<accessToken>.
    QJsonObject toJson(const QString &publicUrl) const;
};

// What a new or changed stored file should be; unset optionals keep the current value.
struct StoredFileChange
{
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<bool> isPublic;
    std::optional<QString> passwordHash;       // "" removes the password
    std::optional<qint64> expiresInMinutes;    // 0 removes the expiry
    std::optional<bool> readAndBurn;
};

// Files a Kin or a user keeps and shares through /s/<token> links (rest.md §3.16). Main thread; bytes on disk under
// <dataDir>/storage, named by id (never by a client-supplied path).
class FileStorage final
{
public:
    static constexpr qint64 kMaxFileBytes = 100LL * 1024 * 1024;
    static constexpr int kMaxName = 255;
    static constexpr int kMaxDescription = 2000;

    FileStorage(const Database &db, const Clock &clock, QString storageDir);

    Result<StoredFile> create(const QString &kinId, const QString &fileName, const QByteArray &data, const StoredFileChange &options,
                              const QString &createdByKinId, const QString &createdByUserId);
    Result<QList<StoredFile>> list(const QString &kinId = {}) const;
    // Substring search over name, description and original name.
    Result<QList<StoredFile>> search(const QString &kinId, const QString &query) const;
    Result<StoredFile> find(const QString &id) const;                      // 404 FILE_NOT_FOUND
    Result<std::optional<StoredFile>> findByToken(const QString &token) const;
    Result<StoredFile> update(const QString &id, const StoredFileChange &change);
    Status remove(const QString &id);
    Status countDownload(const QString &id);
    QString absolutePath(const StoredFile &f) const;
    // Deletes expired files (rows and bytes) → how many.
    Result<int> sweepExpired();

private:
    const Database &m_db;
    const Clock &m_clock;
    QString m_dir;
};

} // namespace kinbot
