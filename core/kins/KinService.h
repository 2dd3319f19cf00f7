#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <optional>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class SettingsStore;

struct KinRecord
{
    QString id;
    QString slug;
    QString name;
    QString role;
    QString avatarPath; // relative to the uploads dir, e.g. kins/<id>/avatar.png
    QString character;
    QString expertise;
    QString model;
    QString providerId;
    QString workspacePath;
    QJsonObject toolConfig;       // empty = none stored
    bool hasToolConfig = false;
    QJsonObject compactingConfig;
    bool hasCompactingConfig = false;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// Live queue state of a Kin, supplied by the engine.
struct KinQueueState
{
    int queueSize = 0;
    bool isProcessing = false;
    qint64 processingStartedAt = 0;
    bool isCompacting = false; // the main slot is held while the conversation is compacted
};

// Kins: rows, slugs, workspaces, avatars, and their JSON shapes (rest.md §3.1). Lives on the main thread.
class KinService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxName = 100;
    static constexpr int kMaxRole = 200;
    static constexpr int kMaxLongText = 50000;

    KinService(const Database &db, EventBus &bus, SettingsStore &settings, const Clock &clock, QString workspacesDir,
               QString uploadsDir, QObject *parent = nullptr);

    using QueueLookup = std::function<KinQueueState(const QString &kinId)>;
    void setQueueLookup(QueueLookup lookup) { m_queue = std::move(lookup); }
    using ProviderExists = std::function<bool(const QString &providerId)>;
    void setProviderCheck(ProviderExists check) { m_providerExists = std::move(check); }

    // A UUID or a slug → the Kin; 404 KIN_NOT_FOUND otherwise (the reference trusts any UUID; we check).
    Result<KinRecord> resolve(const QString &idOrSlug) const;
    Result<QList<KinRecord>> list() const;

    Result<KinRecord> create(const QJsonObject &body, const QString &userId);
    Result<KinRecord> update(const QString &id, const QJsonObject &body);
    Status remove(const QString &id);
    // Stores an avatar image (already sniffed: ext is png/jpg/gif/webp) → its URL.
    Result<QString> setAvatar(const QString &id, const QByteArray &data, const QString &ext);

    QString avatarUrl(const KinRecord &k) const;
    const QString &uploadsDir() const { return m_uploadsDir; }
    QJsonObject summaryJson(const KinRecord &k) const;
    QJsonObject detailJson(const KinRecord &k) const;

    static QString slugify(const QString &text);
    static bool isValidSlug(const QString &slug);

Q_SIGNALS:
    void kinRemoved(const QString &kinId);

private:
    Result<QString> uniqueSlug(const QString &base, const QString &exceptId) const;
    KinQueueState queueState(const QString &kinId) const;

    const Database &m_db;
    EventBus &m_bus;
    SettingsStore &m_settings;
    const Clock &m_clock;
    QString m_workspacesDir;
    QString m_uploadsDir;
    QueueLookup m_queue;
    ProviderExists m_providerExists;
};

} // namespace kinbot
