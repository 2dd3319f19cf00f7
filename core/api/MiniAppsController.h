#pragma once

#include "http/Route.h"
#include "miniapps/MiniAppServing.h"

#include <QCache>
#include <QObject>

class QThreadPool;

namespace kinbot {

class Clock;
class KinService;
namespace memory { class MemoryService; }
class MiniAppEventStreams;
class MiniAppHttpProxy;
class MiniAppService;
class ProviderService;
struct MiniApp;

// /api/mini-apps (miniapps.md §2): apps, files, storage, snapshots, icon, console, memories, the outbound HTTP proxy,
// the per-app event stream, serving (/serve, /static) and the SDK assets. The backend routes (/:id/api/*) are in
// MiniAppBackendController.
class MiniAppsController final : public QObject
{
    Q_OBJECT
public:
    MiniAppsController(MiniAppService &apps, MiniAppEventStreams &streams, MiniAppHttpProxy &proxy, memory::MemoryService &memories,
                       ProviderService &providers, const Clock &clock, QThreadPool &pool, QObject *parent = nullptr);

    // JSX → ES module (JsTranspiler); unset → JSX is reported as not available in the browser console.
    void setJsxTransform(miniapp::JsxTransform transform) { m_jsx = std::move(transform); }

    void list(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void galleryBrowse(const ExchangePtr &ex);
    void bySlug(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void patch(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);

    void listFiles(const ExchangePtr &ex);
    void readFile(const ExchangePtr &ex);
    void writeFile(const ExchangePtr &ex);
    void deleteFile(const ExchangePtr &ex);

    void listStorage(const ExchangePtr &ex);
    void getStorage(const ExchangePtr &ex);
    void putStorage(const ExchangePtr &ex);
    void deleteStorage(const ExchangePtr &ex);
    void clearStorage(const ExchangePtr &ex);

    void listSnapshots(const ExchangePtr &ex);
    void createSnapshot(const ExchangePtr &ex);
    void rollback(const ExchangePtr &ex);

    void generateIcon(const ExchangePtr &ex);
    void httpProxy(const ExchangePtr &ex);
    void searchMemories(const ExchangePtr &ex);
    void createMemory(const ExchangePtr &ex);
    void events(const ExchangePtr &ex);
    void postConsole(const ExchangePtr &ex);
    void getConsole(const ExchangePtr &ex);
    void clearConsole(const ExchangePtr &ex);

    void serve(const ExchangePtr &ex);
    void staticFile(const ExchangePtr &ex);
    void sdkFile(const ExchangePtr &ex);

private:
    void sendJsx(const ExchangePtr &ex, const QByteArray &source, const QString &name, const QByteArray &etag);

    MiniAppService &m_apps;
    MiniAppEventStreams &m_streams;
    MiniAppHttpProxy &m_proxy;
    memory::MemoryService &m_memories;
    ProviderService &m_providers;
    const Clock &m_clock;
    QThreadPool &m_pool;
    miniapp::JsxTransform m_jsx;
    QCache<QByteArray, QByteArray> m_jsxCache{256}; // sha1(source) → module, cost = KiB
};

} // namespace kinbot
