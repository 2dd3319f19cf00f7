#pragma once

#include "miniapps/MiniApp.h"
#include "miniapps/MiniAppConsole.h"
#include "miniapps/MiniAppFiles.h"
#include "miniapps/MiniAppStorage.h"
#include "miniapps/MiniAppStore.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class KinService;
class ProviderService;

struct MiniAppSnapshot
{
    qint64 id = 0;
    int version = 0;
    std::optional<QString> label;
    QStringList files;
    qint64 createdAt = 0;

    // {version, label|null, fileCount, files, createdAt (ISO)}, as GET …/snapshots lists it.
    QJsonObject toJson() const;
};

struct NewMiniApp
{
    QString kinId;
    QString name;
    QString slug;
    std::optional<QString> description;
    std::optional<QString> icon;
    // Files written at creation (index.html from `html`, or a template's files).
    QList<QPair<QString, QByteArray>> files;
};

// Mini-apps (miniapps.md §1–2): rows, files, key-value storage, snapshots, and the miniapp:* events. Main thread
// (storage() is also safe from backend workers). Every file write, delete and rollback bumps the version, which is
// what reloads open views (miniapp:file-updated) and the app's backend (BackendHost compares versions).
class MiniAppService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxAppsPerKin = 20;
    static constexpr int kMaxSnapshots = 20;
    static constexpr int kMaxNameLength = 100;
    static constexpr int kMaxSlugLength = 64;

    MiniAppService(const Database &db, EventBus &bus, const Clock &clock, KinService &kins, MiniAppFiles files,
                   QObject *parent = nullptr);

    // --- apps ---
    Result<MiniApp> create(const NewMiniApp &input);
    Result<MiniApp> get(const QString &id) const;
    Result<MiniApp> bySlug(const QString &kinId, const QString &slug) const;
    // A Kin's apps (all), or every active app when kinId is empty.
    Result<QList<MiniApp>> list(const QString &kinId) const;
    Result<MiniApp> update(const QString &id, const MiniAppChange &change);
    Status remove(const QString &id);
    QJsonObject summary(const MiniApp &app) const;
    QJsonArray summaries(const QList<MiniApp> &apps) const;
    QString appDir(const MiniApp &app) const { return m_files.appDir(app.kinId, app.id); }

    // --- files ---
    Result<QList<MiniAppFile>> listFiles(const QString &id) const;
    Result<QByteArray> readFile(const QString &id, const QString &path) const;
    // → {size, version after the bump}
    struct Written
    {
        qint64 size = 0;
        int version = 0;
    };
    Result<Written> writeFile(const QString &id, const QString &path, const QByteArray &content);
    // 404 NOT_FOUND when the file does not exist.
    Result<int> deleteFile(const QString &id, const QString &path);
    const MiniAppFiles &files() const { return m_files; }
    static bool isBackendFile(const QString &path);

    // The browser console relayed by the UI (in memory).
    MiniAppConsole &console() { return m_console; }

    // --- storage (404 when the app does not exist) ---
    MiniAppStorage &storage() { return m_storage; }
    Status requireApp(const QString &id) const;

    // --- snapshots ---
    Result<QList<MiniAppSnapshot>> snapshots(const QString &id) const;
    Result<MiniAppSnapshot> createSnapshot(const QString &id, const std::optional<QString> &label);
    // → the message "Rolled back to version V. New version: N. K files restored."
    Result<QString> rollback(const QString &id, int version);

    // --- icon --- (writes _icon.<png|jpg|webp> by the image's type, sets iconUrl; the version is not bumped)
    static QString iconPrompt(const MiniApp &app);
    Result<MiniApp> setIcon(const QString &id, const QByteArray &image, const QString &mediaType);

    static bool isValidSlug(const QString &slug);

Q_SIGNALS:
    // The app's files or existence changed in a way that makes a loaded backend stale (the version check covers the
    // rest); BackendHost drops it at once.
    void backendInvalidated(const QString &appId);

private:
    Result<MiniApp> require(const QString &id) const;
    void emitUpdated(const MiniApp &app);
    Status pruneSnapshots(const MiniApp &app);
    Result<MiniAppSnapshot> snapshotNow(const MiniApp &app, const std::optional<QString> &label);

    const Database &m_db;
    EventBus &m_bus;
    const Clock &m_clock;
    KinService &m_kins;
    MiniAppFiles m_files;
    MiniAppStore m_store;
    MiniAppStorage m_storage;
    MiniAppConsole m_console;
};

} // namespace kinbot
