#pragma once

#include "miniapps/backend/BackendServices.h"
#include "miniapps/backend/BackendTypes.h"
#include "util/Result.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>

class QThread;

namespace kinbot {
class Logger;
}

namespace kinbot::miniapps {

class BackendWorker;

// Runs mini-app backends (_server.js / _server.ts): one QJSEngine per app, each on its own worker QThread, so a
// backend stuck in a loop never freezes another app or the server's loop. Lives on the main thread.
//
// - Load: on the first request for an app (or for a new version), esbuild bundles the backend with its relative
//   imports (es2016), the engine evaluates the embedded polyfills + Hono + host glue, then the bundle; the default export
//   is `function(ctx)` returning a Hono app / anything with fetch() (or a Promise of one), or directly such an object.
//   Failures → 500 BACKEND_UNAVAILABLE with the reason, never cached (the next request tries again).
// - Reload: a request with another app.version than the loaded one tears the old engine and thread down (interrupted
//   first: no old timers, no state) and loads afresh.
// - Watchdog: a load (evaluation + factory) and each request have options.timeoutMs. A request over it gets 504
//   BACKEND_TIMEOUT; if the app's thread is then still busy in JS (it does not answer a ping within a short grace),
//   the engine is interrupted and KEEPS serving afterwards with its state (globals, storage) intact. A load over it is
//   interrupted and reported as BACKEND_UNAVAILABLE; the engine is dropped.
// - done runs on the main thread exactly once per handle(): with the response, an error, or — when the app is
//   unloaded/reloaded under a running request or the host is destroyed — 503 BACKEND_UNAVAILABLE (from ~BackendHost
//   itself, so a done must not rely on objects destroyed before the host).
class BackendHost final : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<BackendResponse>)>;

    BackendHost(BackendStorage *storage, BackendEvents *events, Logger *logger, BackendOptions options = BackendOptions::fromEnvironment(),
                QObject *parent = nullptr);
    ~BackendHost() override;

    void handle(const BackendApp &app, BackendRequest request, Done done);
    void invalidate(const QString &appId); // the next request loads the backend afresh (files changed)
    void unload(const QString &appId);     // frees the app's engine and thread now (app deleted, backend removed)
    int loadedCount() const;               // engines alive or loading (not counting those being torn down)
    const BackendOptions &options() const { return m_options; }

private:
    struct Slot;
    struct Pending
    {
        QString appId;
        quint64 generation = 0;
        Done done;
        BackendRequest request; // kept only while parked (load running)
        bool dispatched = false;
    };

    Slot *startSlot(const BackendApp &app);
    void retire(const QString &appId, const QString &why);
    void onEvaluating(quint64 generation);
    void onLoaded(quint64 generation, const QString &error);
    void onLoadTimeout(quint64 generation);
    void onPong(quint64 generation);
    void sendToWorker(Slot &slot, quint64 id);
    void finish(quint64 id, Result<BackendResponse> result);
    void armWatchdog();
    void onWatchdog();
    Slot *slotByGeneration(quint64 generation) const;

    BackendStorage *m_storage;
    BackendEvents *m_events;
    Logger *m_logger;
    const BackendOptions m_options;
    std::unordered_map<QString, std::unique_ptr<Slot>> m_slots;
    std::vector<std::unique_ptr<Slot>> m_retiring; // interrupted, shutting down; removed when their thread finished
    std::unordered_map<quint64, Pending> m_pending;
    std::deque<std::pair<qint64, quint64>> m_deadlines; // (elapsed ms, request id), in order: one timeout for all
    QTimer m_watchdog;
    QElapsedTimer m_mono;
    quint64 m_nextRequest = 0;
    quint64 m_nextGeneration = 0;
};

} // namespace kinbot::miniapps
