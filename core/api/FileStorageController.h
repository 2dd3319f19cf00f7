#pragma once

#include "http/Route.h"
#include "util/RateLimiter.h"
#include "util/Result.h"

#include <QObject>
#include <QThreadPool>

namespace kinbot {

class Clock;
class FileStorage;
class KinService;
struct StoredFile;

// /api/file-storage (the files Kins and users keep) and the public share links GET/POST /s/:token.
class FileStorageController final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxPasswordFailures = 5;            // per link and client address…
    static constexpr qint64 kPasswordWindowMs = 15 * 60 * 1000; // …within 15 minutes, then 429
    static constexpr int kBurnDelayMs = 5000;

    FileStorageController(FileStorage &storage, KinService &kins, QThreadPool &cpuPool, const Clock &clock, QObject *parent = nullptr);
    void setPublicUrl(const QString &url) { m_publicUrl = url; }

    void list(const ExchangePtr &ex);
    void upload(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void shareGet(const ExchangePtr &ex);
    void sharePost(const ExchangePtr &ex);

private:
    // The share link's file, or the error the link answers (404 unknown or private to anonymous, 410 expired).
    Result<StoredFile> shared(const ExchangePtr &ex);
    void download(const ExchangePtr &ex, const StoredFile &f);

    FileStorage &m_storage;
    KinService &m_kins;
    QThreadPool &m_pool;
    const Clock &m_clock;
    RateLimiter m_passwordFailures;
    QString m_publicUrl;
};

} // namespace kinbot
