#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace kinbot {

struct MiniAppFile
{
    QString path; // relative, '/'-separated
    qint64 size = 0;
    QString mimeType;

    QJsonObject toJson() const; // {path, size, mimeType}
};

// The files of mini-apps on disk: <root>/<kinId>/<appId>/. Every relative path goes through resolve(), which refuses
// anything that could leave the app's directory (.., absolute paths, backslashes, control characters, symlinks out)
// and the reserved .snapshots/ folder. Stateless apart from the limits; safe from any thread.
class MiniAppFiles final
{
public:
    struct Limits
    {
        qint64 maxFileBytes = 5LL * 1024 * 1024;  // one file
        qint64 maxAppBytes = 50LL * 1024 * 1024;  // all files of an app (snapshots not counted)
    };
    static constexpr auto kSnapshotsDir = ".snapshots";

    MiniAppFiles(QString root, Limits limits) : m_root(std::move(root)), m_limits(limits) {}

    const Limits &limits() const { return m_limits; }
    QString appDir(const QString &kinId, const QString &appId) const;
    // The absolute file for a relative path inside appDir, or 400 INVALID_PATH.
    static Result<QString> resolve(const QString &appDir, const QString &relativePath);

    Status createAppDir(const QString &appDir) const;
    Status removeAppDir(const QString &appDir) const;

    // Every file except .snapshots/, sorted by path.
    Result<QList<MiniAppFile>> list(const QString &appDir) const;
    Result<QByteArray> read(const QString &appDir, const QString &relativePath) const;
    // Atomic write (a crash leaves the old file or the new one), parents created; per-file and per-app caps → 413.
    Result<qint64> write(const QString &appDir, const QString &relativePath, const QByteArray &content) const;
    // false when the file did not exist.
    Result<bool> remove(const QString &appDir, const QString &relativePath) const;
    bool exists(const QString &appDir, const QString &relativePath) const;

    // Snapshot copies: <appDir>/.snapshots/<name>/…
    Result<QList<MiniAppFile>> copyToSnapshot(const QString &appDir, const QString &snapshotName) const;
    // Replaces the app's files (not .snapshots/) with the snapshot's copies.
    Status restoreSnapshot(const QString &appDir, const QString &snapshotName, const QStringList &paths) const;
    Status removeSnapshot(const QString &appDir, const QString &snapshotName) const;

    static QString mimeTypeFor(const QString &path);

private:
    QString m_root;
    Limits m_limits;
};

} // namespace kinbot
