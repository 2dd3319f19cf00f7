#pragma once

#include "miniapps/backend/BackendServices.h"
#include "miniapps/backend/BackendTypes.h"
#include "util/Result.h"

#include <QHash>
#include <QJSValue>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <functional>

class QJSEngine;
class QNetworkAccessManager;
class QTimer;

namespace kinbot {
class Logger;
}

namespace kinbot::miniapps {

class BackendBridge;

// One app's engine, on the app's own worker thread (the object is moved there before the thread starts). Everything
// but interrupt() runs on that thread, called through queued invokes by BackendHost; results go back through the
// callbacks, which the host makes queue onto the main thread.
class BackendWorker final : public QObject
{
    Q_OBJECT
public:
    struct Deps
    {
        BackendStorage *storage = nullptr;
        BackendEvents *events = nullptr;
        Logger *logger = nullptr;
        BackendOptions options;
    };
    struct Callbacks
    {
        std::function<void()> evaluating;                               // transpiled; evaluation + factory start now
        std::function<void(QString)> loaded;                            // "" when ready, else the reason of the failure
        std::function<void(quint64, Result<BackendResponse>)> settled;  // one per dispatch
        std::function<void()> pong;                                     // answer to ping(): the thread's loop is free
    };

    BackendWorker(BackendApp app, Deps deps, Callbacks callbacks);
    ~BackendWorker() override;

    // Worker thread.
    void load();
    void dispatch(quint64 id, const BackendRequest &request);
    void ping();
    void shutdown(); // frees the engine, its timers and network, then quits the thread

    // Any thread: stops the JS running now. forGood: the engine is being torn down; else the engine serves again from
    // its next job on (dispatch, timer, fetch completion, ping), which clears the flag first.
    void interrupt(bool forGood);

private:
    friend class BackendBridge;
    void settle(double id, bool ok, const QJSValue &value);
    void log(const QString &level, const QString &message);
    QString describe(const QJSValue &error) const;
    QNetworkAccessManager &network();
    void resumeIfInterrupted();

    const BackendApp m_app;
    const Deps m_deps;
    const Callbacks m_cb;
    QMutex m_engineMutex; // guards m_engine against interrupt() from the main thread
    QJSEngine *m_engine = nullptr;
    BackendBridge *m_bridge = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    QJSValue m_glue, m_dispatch, m_fire, m_fetchDone;
    bool m_ready = false;
    std::atomic<bool> m_interruptPending{false};
    std::atomic<bool> m_closing{false};
};

// The QObject a backend's JS sees as its host (the glue's `host`): settle, storage, events, log, timers, fetch.
class BackendBridge final : public QObject
{
    Q_OBJECT
public:
    explicit BackendBridge(BackendWorker &worker);
    ~BackendBridge() override;

    Q_INVOKABLE void settle(double id, bool ok, const QJSValue &value);
    Q_INVOKABLE QVariantMap storageGet(const QString &key);
    Q_INVOKABLE QVariantMap storageSet(const QString &key, const QString &json);
    Q_INVOKABLE QVariantMap storageDelete(const QString &key);
    Q_INVOKABLE QVariantMap storageList();
    Q_INVOKABLE QVariantMap storageClear();
    Q_INVOKABLE void emitEvent(const QString &name, bool hasData, const QString &json);
    Q_INVOKABLE int subscriberCount();
    Q_INVOKABLE void log(const QString &level, const QString &message);
    Q_INVOKABLE void timerStart(int id, int ms, bool repeat);
    Q_INVOKABLE void timerStop(int id);
    Q_INVOKABLE void fetch(double id, const QString &url, const QString &method, const QJSValue &headers, const QString &body,
                           bool hasBody);

private:
    BackendWorker &m_worker;
    QHash<int, QTimer *> m_timers;
};

} // namespace kinbot::miniapps
