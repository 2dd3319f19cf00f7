#include "miniapps/backend/BackendHost.h"

#include "log/Logger.h"
#include "miniapps/backend/BackendWorker.h"
#include "miniapps/backend/JsRuntimeResources.h"

#include <QLoggingCategory>
#include <QThread>

#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace kinbot::miniapps {

namespace {

// V4 reports harmless "used before its declaration" notes about minified bundles on qt.qml.compiler; backends would
// flood stderr with them. The filter keeps every other category as the previous filter had it.
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;
void quietQmlCompiler(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrcmp(category->categoryName(), "qt.qml.compiler") == 0)
        for (QtMsgType t : {QtDebugMsg, QtInfoMsg, QtWarningMsg})
            category->setEnabled(t, false);
}

QString moduleOf(const QString &appId)
{
    return QStringLiteral("miniapp:") + appId;
}

} // namespace

BackendOptions BackendOptions::fromEnvironment(BackendOptions defaults)
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("KINBOT_BACKEND_TIMEOUT_MS", &ok);
    if (ok && ms > 0)
        defaults.timeoutMs = ms;
    return defaults;
}

BackendOptions BackendOptions::fromEnvironment()
{
    return fromEnvironment(BackendOptions{});
}

struct BackendHost::Slot
{
    QString appId;
    int version = 0;
    quint64 generation = 0;
    QThread *thread = nullptr;
    BackendWorker *worker = nullptr; // lives on thread; deleted here once the thread has finished
    bool ready = false;
    bool pingOutstanding = false;
    QList<quint64> parked; // requests waiting for the load
    QTimer loadTimer;

    ~Slot()
    {
        delete worker;
        delete thread;
    }
};

BackendHost::BackendHost(BackendStorage *storage, BackendEvents *events, Logger *logger, BackendOptions options, QObject *parent)
    : QObject(parent), m_storage(storage), m_events(events), m_logger(logger), m_options(std::move(options))
{
    static std::once_flag once;
    std::call_once(once, [arenas = m_options.mallocArenas] {
        g_previousFilter = QLoggingCategory::installFilter(quietQmlCompiler);
#ifdef __GLIBC__
        if (arenas > 0 && !qEnvironmentVariableIsSet("MALLOC_ARENA_MAX"))
            mallopt(M_ARENA_MAX, arenas);
#endif
    });
    initJsRuntimeResources();
    m_mono.start();
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, &BackendHost::onWatchdog);
}

BackendHost::~BackendHost()
{
    m_watchdog.stop();
    for (auto &[appId, slot] : m_slots) {
        slot->loadTimer.stop();
        slot->worker->interrupt(true);
        QMetaObject::invokeMethod(slot->worker, [w = slot->worker] { w->shutdown(); }, Qt::QueuedConnection);
    }
    for (auto &slot : m_retiring)
        slot->worker->interrupt(true);
    for (auto &[appId, slot] : m_slots)
        slot->thread->wait();
    for (auto &slot : m_retiring)
        slot->thread->wait();
    m_slots.clear();
    m_retiring.clear();
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto &[id, p] : pending)
        p.done(backend_errors::gone(QStringLiteral("The server is shutting down")));
}

int BackendHost::loadedCount() const
{
    return int(m_slots.size());
}

BackendHost::Slot *BackendHost::slotByGeneration(quint64 generation) const
{
    for (const auto &[appId, slot] : m_slots)
        if (slot->generation == generation)
            return slot.get();
    return nullptr;
}

BackendHost::Slot *BackendHost::startSlot(const BackendApp &app)
{
    auto slot = std::make_unique<Slot>();
    const quint64 gen = ++m_nextGeneration;
    slot->appId = app.appId;
    slot->version = app.version;
    slot->generation = gen;
    slot->thread = new QThread;
    slot->thread->setObjectName(QStringLiteral("miniapp-") + app.appId.left(8));

    auto toHost = [this](auto fn) { QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection); };
    BackendWorker::Callbacks cb;
    cb.evaluating = [toHost, this, gen] { toHost([this, gen] { onEvaluating(gen); }); };
    cb.loaded = [toHost, this, gen](QString error) { toHost([this, gen, error] { onLoaded(gen, error); }); };
    cb.settled = [toHost, this](quint64 id, Result<BackendResponse> r) { toHost([this, id, r] { finish(id, r); }); };
    cb.pong = [toHost, this, gen] { toHost([this, gen] { onPong(gen); }); };
    slot->worker = new BackendWorker(app, BackendWorker::Deps{m_storage, m_events, m_logger, m_options}, std::move(cb));
    slot->worker->moveToThread(slot->thread);
    connect(slot->thread, &QThread::finished, this, [this, gen] {
        for (auto it = m_retiring.begin(); it != m_retiring.end(); ++it)
            if ((*it)->generation == gen) {
                m_retiring.erase(it);
                return;
            }
    });
    slot->loadTimer.setSingleShot(true);
    connect(&slot->loadTimer, &QTimer::timeout, this, [this, gen] { onLoadTimeout(gen); });
    slot->thread->start();
    QMetaObject::invokeMethod(slot->worker, [w = slot->worker] { w->load(); }, Qt::QueuedConnection);
    Slot *raw = slot.get();
    m_slots[app.appId] = std::move(slot);
    return raw;
}

void BackendHost::handle(const BackendApp &app, BackendRequest request, Done done)
{
    const quint64 id = ++m_nextRequest;
    QList<quint64> carried; // requests parked on a load of the previous version go to the new one
    auto it = m_slots.find(app.appId);
    if (it != m_slots.end() && it->second->version != app.version) {
        carried = std::exchange(it->second->parked, {});
        for (quint64 c : carried)
            if (auto p = m_pending.find(c); p != m_pending.end())
                p->second.generation = 0; // not the old engine's any more: retire() must not answer them
        retire(app.appId, QStringLiteral("The backend was reloaded while handling this request"));
        it = m_slots.end();
    }
    Slot *slot = it != m_slots.end() ? it->second.get() : startSlot(app);
    m_pending.emplace(id, Pending{app.appId, slot->generation, std::move(done), std::move(request), false});
    for (quint64 c : carried) {
        auto p = m_pending.find(c);
        if (p == m_pending.end())
            continue;
        p->second.generation = slot->generation;
        slot->parked.append(c);
    }
    if (slot->ready)
        sendToWorker(*slot, id);
    else
        slot->parked.append(id);
}

void BackendHost::sendToWorker(Slot &slot, quint64 id)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    it->second.dispatched = true;
    m_deadlines.emplace_back(m_mono.elapsed() + m_options.timeoutMs, id);
    armWatchdog();
    QMetaObject::invokeMethod(slot.worker, [w = slot.worker, id, req = std::move(it->second.request)] { w->dispatch(id, req); },
                              Qt::QueuedConnection);
}

void BackendHost::finish(quint64 id, Result<BackendResponse> result)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // already answered (timeout, reload)
    Done done = std::move(it->second.done);
    m_pending.erase(it);
    done(std::move(result));
}

void BackendHost::retire(const QString &appId, const QString &why)
{
    auto it = m_slots.find(appId);
    if (it == m_slots.end())
        return;
    std::unique_ptr<Slot> slot = std::move(it->second);
    m_slots.erase(it);
    slot->loadTimer.stop();
    slot->worker->interrupt(true);
    QMetaObject::invokeMethod(slot->worker, [w = slot->worker] { w->shutdown(); }, Qt::QueuedConnection);
    QList<quint64> orphans;
    for (const auto &[id, p] : m_pending)
        if (p.generation == slot->generation)
            orphans.append(id);
    m_retiring.push_back(std::move(slot));
    for (quint64 id : orphans)
        finish(id, backend_errors::gone(why));
}

void BackendHost::invalidate(const QString &appId)
{
    retire(appId, QStringLiteral("The backend was reloaded while handling this request"));
}

void BackendHost::unload(const QString &appId)
{
    retire(appId, QStringLiteral("The backend was unloaded while handling this request"));
}

void BackendHost::onEvaluating(quint64 generation)
{
    if (Slot *slot = slotByGeneration(generation); slot && !slot->ready)
        slot->loadTimer.start(m_options.timeoutMs);
}

void BackendHost::onLoaded(quint64 generation, const QString &error)
{
    Slot *slot = slotByGeneration(generation);
    if (!slot)
        return; // retired meanwhile
    slot->loadTimer.stop();
    const QList<quint64> parked = std::exchange(slot->parked, {});
    if (error.isEmpty()) {
        slot->ready = true;
        if (m_logger)
            m_logger->info(moduleOf(slot->appId), QStringLiteral("Backend loaded (version %1)").arg(slot->version));
        for (quint64 id : parked)
            sendToWorker(*slot, id);
        return;
    }
    if (m_logger)
        m_logger->warn(moduleOf(slot->appId), QStringLiteral("Backend failed to load: ") + error);
    for (quint64 id : parked)
        if (auto p = m_pending.find(id); p != m_pending.end())
            p->second.generation = 0; // answered below, with the reason, not by retire()
    retire(slot->appId, error); // not cached: the next request loads again
    for (quint64 id : parked)
        finish(id, backend_errors::unavailable(error));
}

void BackendHost::onLoadTimeout(quint64 generation)
{
    Slot *slot = slotByGeneration(generation);
    if (!slot || slot->ready)
        return;
    // The worker's loaded() will come (interrupted) but finds the slot retired; answer the parked requests now.
    onLoaded(generation, QStringLiteral("loading took longer than %1 ms (interrupted)").arg(m_options.timeoutMs));
}

void BackendHost::armWatchdog()
{
    if (m_deadlines.empty() || m_watchdog.isActive())
        return;
    m_watchdog.start(int(qMax<qint64>(0, m_deadlines.front().first - m_mono.elapsed())));
}

void BackendHost::onWatchdog()
{
    const qint64 now = m_mono.elapsed();
    while (!m_deadlines.empty() && m_deadlines.front().first <= now) {
        const quint64 id = m_deadlines.front().second;
        m_deadlines.pop_front();
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue;
        const quint64 generation = it->second.generation;
        const QString appId = it->second.appId;
        finish(id, backend_errors::timedOut(m_options.timeoutMs));
        if (m_logger)
            m_logger->warn(moduleOf(appId), QStringLiteral("A request took longer than %1 ms (504)").arg(m_options.timeoutMs));
        // Still busy in JS? Its thread answers a ping at once unless JS holds it; no answer in the grace → interrupt.
        Slot *slot = slotByGeneration(generation);
        if (!slot || slot->pingOutstanding)
            continue;
        slot->pingOutstanding = true;
        QMetaObject::invokeMethod(slot->worker, [w = slot->worker] { w->ping(); }, Qt::QueuedConnection);
        const int grace = qBound(50, m_options.timeoutMs / 10, 500);
        QTimer::singleShot(grace, this, [this, generation] {
            Slot *s = slotByGeneration(generation);
            if (!s || !s->pingOutstanding)
                return;
            s->worker->interrupt(false);
            if (m_logger)
                m_logger->warn(moduleOf(s->appId), QStringLiteral("Backend busy in JavaScript past the time limit: interrupted"));
        });
    }
    armWatchdog();
}

void BackendHost::onPong(quint64 generation)
{
    if (Slot *slot = slotByGeneration(generation))
        slot->pingOutstanding = false;
}

} // namespace kinbot::miniapps
