#include "api/MiniAppsController.h"

#include "api/MiniAppEventStreams.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "memory/MemoryService.h"
#include "miniapps/MiniAppHttpProxy.h"
#include "miniapps/MiniAppService.h"
#include "providers/ProviderService.h"
#include "util/Async.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

namespace kinbot {

namespace {

Reply appReply(const QJsonObject &summary, int status = 200)
{
    return Reply::json(QJsonObject{{QStringLiteral("app"), summary}}, status);
}

// The reference labels every failure of a file write WRITE_FAILED (400) and of a delete DELETE_FAILED; sizes over the
// caps keep their 413, missing apps their 404.
ApiError relabel(const ApiError &e, const char *code)
{
    if (e.kind == ErrorKind::BadRequest && e.code != QLatin1String("MISSING_PATH"))
        return ApiError::badRequest(QLatin1String(code), e.message);
    return e;
}

Result<std::optional<QString>> nullableString(const QJsonObject &body, const char *key)
{
    const QJsonValue v = body.value(QLatin1String(key));
    if (v.isNull() || v.isUndefined())
        return std::optional<QString>();
    if (!v.isString())
        return ApiError::validation(QStringLiteral("%1 must be a string or null").arg(QLatin1String(key)));
    return std::optional<QString>(v.toString());
}

Result<MiniAppChange> parseChange(const QJsonObject &body)
{
    MiniAppChange c;
    if (body.contains(QStringLiteral("name"))) {
        if (!body.value(QStringLiteral("name")).isString())
            return ApiError::validation(QStringLiteral("name must be a string"));
        c.name = body.value(QStringLiteral("name")).toString();
    }
    for (auto [key, target] : {std::pair{"description", &c.description}, std::pair{"icon", &c.icon}, std::pair{"iconUrl", &c.iconUrl}}) {
        if (!body.contains(QLatin1String(key)))
            continue;
        auto v = nullableString(body, key);
        if (!v)
            return v.error();
        *target = v.value();
    }
    if (body.contains(QStringLiteral("entryFile"))) {
        if (!body.value(QStringLiteral("entryFile")).isString())
            return ApiError::validation(QStringLiteral("entryFile must be a string"));
        c.entryFile = body.value(QStringLiteral("entryFile")).toString();
    }
    if (body.contains(QStringLiteral("isActive"))) {
        if (!body.value(QStringLiteral("isActive")).isBool())
            return ApiError::validation(QStringLiteral("isActive must be a boolean"));
        c.isActive = body.value(QStringLiteral("isActive")).toBool();
    }
    return c;
}

QByteArray etagOf(const QByteArray &content)
{
    return '"' + QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex().left(20) + '"';
}

bool notModified(const ExchangePtr &ex, const QByteArray &etag)
{
    const QByteArray inm = ex->header("if-none-match");
    return !inm.isEmpty() && (inm == etag || inm.split(',').contains(' ' + etag) || inm.split(',').contains(etag));
}

// Revalidate on every use (an edit shows at once), but a 304 costs nothing.
Reply withCaching(Reply r, const QByteArray &etag)
{
    r.header("Cache-Control", "no-cache");
    r.header("ETag", etag);
    return r;
}

} // namespace

MiniAppsController::MiniAppsController(MiniAppService &apps, MiniAppEventStreams &streams, MiniAppHttpProxy &proxy,
                                       memory::MemoryService &memories, ProviderService &providers, const Clock &clock, QThreadPool &pool,
                                       QObject *parent)
    : QObject(parent), m_apps(apps), m_streams(streams), m_proxy(proxy), m_memories(memories), m_providers(providers),
      m_clock(clock), m_pool(pool)
{
    connect(&m_apps, &MiniAppService::backendInvalidated, this, [this](const QString &appId) {
        // A deleted app's streams end; the others stay open (the backend reload does not orphan them).
        if (!m_apps.get(appId))
            m_streams.closeApp(appId);
    });
}

#define APP_OR_FAIL(ex)                                                                                                                    \
    auto appResult = m_apps.get((ex)->param(QStringLiteral("id")));                                                                       \
    if (!appResult)                                                                                                                        \
        return (ex)->fail(appResult.error());                                                                                              \
    const MiniApp &app = appResult.value()

// --- apps ---

void MiniAppsController::list(const ExchangePtr &ex)
{
    QString kinId = ex->queryValue(QStringLiteral("kinId"));
    ex->sendResult(m_apps.list(kinId), [this](const QList<MiniApp> &apps) {
        return Reply::json(QJsonObject{{QStringLiteral("apps"), m_apps.summaries(apps)}});
    });
}

void MiniAppsController::galleryBrowse(const ExchangePtr &ex)
{
    ex->sendResult(m_apps.list(QString()), [this](const QList<MiniApp> &apps) {
        return Reply::json(QJsonObject{{QStringLiteral("apps"), m_apps.summaries(apps)}});
    });
}

void MiniAppsController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const auto str = [&](const char *k) { return body->value(QLatin1String(k)).toString(); };
    if (str("kinId").isEmpty() || str("name").trimmed().isEmpty() || str("slug").isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("kinId, name, and slug are required")));
    NewMiniApp in;
    in.kinId = str("kinId");
    in.name = str("name");
    in.slug = str("slug");
    for (auto [key, target] : {std::pair{"description", &in.description}, std::pair{"icon", &in.icon}}) {
        auto v = nullableString(body.value(), key);
        if (!v)
            return ex->fail(v.error());
        *target = v.value();
    }
    if (const QJsonValue html = body->value(QStringLiteral("html")); !html.isUndefined() && !html.isNull()) {
        if (!html.isString())
            return ex->fail(ApiError::validation(QStringLiteral("html must be a string")));
        in.files.append({QStringLiteral("index.html"), html.toString().toUtf8()});
    }
    auto created = m_apps.create(in);
    if (!created)
        return ex->fail(created.error());
    ex->send(appReply(m_apps.summary(created.value()), 201));
}

void MiniAppsController::bySlug(const ExchangePtr &ex)
{
    ex->sendResult(m_apps.bySlug(ex->param(QStringLiteral("kinId")), ex->param(QStringLiteral("slug"))),
                   [this](const MiniApp &a) { return appReply(m_apps.summary(a)); });
}

void MiniAppsController::get(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    ex->send(appReply(m_apps.summary(app)));
}

void MiniAppsController::patch(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto change = parseChange(body.value());
    if (!change)
        return ex->fail(change.error());
    ex->sendResult(m_apps.update(ex->param(QStringLiteral("id")), change.value()),
                   [this](const MiniApp &a) { return appReply(m_apps.summary(a)); });
}

void MiniAppsController::remove(const ExchangePtr &ex)
{
    const Status st = m_apps.remove(ex->param(QStringLiteral("id")));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::empty());
}

// --- files ---

void MiniAppsController::listFiles(const ExchangePtr &ex)
{
    ex->sendResult(m_apps.listFiles(ex->param(QStringLiteral("id"))), [](const QList<MiniAppFile> &files) {
        QJsonArray out;
        for (const MiniAppFile &f : files)
            out.append(f.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("files"), out}});
    });
}

void MiniAppsController::readFile(const ExchangePtr &ex)
{
    const QString path = ex->param(QStringLiteral("*"));
    auto content = m_apps.readFile(ex->param(QStringLiteral("id")), path);
    if (!content)
        return ex->fail(content.error().kind == ErrorKind::NotFound && content.error().code == QLatin1String("NOT_FOUND")
                                && content.error().message.startsWith(QLatin1String("File"))
                            ? ApiError::notFound(QStringLiteral("READ_FAILED"), content.error().message)
                            : content.error());
    Reply r = Reply::bytes(content.value(), MiniAppFiles::mimeTypeFor(path).toLatin1());
    r.header("Cache-Control", "no-store");
    // The raw file, not a page of this origin: never run as one.
    r.header("Content-Security-Policy", "default-src 'none'; sandbox");
    ex->send(r);
}

void MiniAppsController::writeFile(const ExchangePtr &ex)
{
    const QString path = ex->param(QStringLiteral("*"));
    QByteArray content;
    if (ex->header("content-type").toLower().contains("application/json")) {
        auto body = ex->jsonObject();
        if (!body)
            return ex->fail(ApiError::badRequest(QStringLiteral("WRITE_FAILED"), body.error().message));
        const QJsonValue c = body->value(QStringLiteral("content"));
        if (!c.isString())
            return ex->fail(ApiError::badRequest(QStringLiteral("WRITE_FAILED"),
                                                 QStringLiteral("A JSON body must be {content: string, isBase64?: boolean}; send other "
                                                                "files with their own Content-Type")));
        if (body->value(QStringLiteral("isBase64")).toBool()) {
            auto decoded = QByteArray::fromBase64Encoding(c.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return ex->fail(ApiError::badRequest(QStringLiteral("WRITE_FAILED"), QStringLiteral("content is not valid base64")));
            content = *decoded;
        } else {
            content = c.toString().toUtf8();
        }
    } else {
        content = ex->body();
    }
    auto written = m_apps.writeFile(ex->param(QStringLiteral("id")), path, content);
    if (!written)
        return ex->fail(relabel(written.error(), "WRITE_FAILED"));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("size"), written->size}}));
}

void MiniAppsController::deleteFile(const ExchangePtr &ex)
{
    auto deleted = m_apps.deleteFile(ex->param(QStringLiteral("id")), ex->param(QStringLiteral("*")));
    if (!deleted)
        return ex->fail(relabel(deleted.error(), "DELETE_FAILED"));
    ex->send(Reply::empty());
}

// --- storage ---

void MiniAppsController::listStorage(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    ex->sendResult(m_apps.storage().list(app.id), [](const QList<StorageEntryInfo> &keys) {
        QJsonArray out;
        for (const StorageEntryInfo &k : keys)
            out.append(QJsonObject{{QStringLiteral("key"), k.key}, {QStringLiteral("size"), k.size}});
        return Reply::json(QJsonObject{{QStringLiteral("keys"), out}});
    });
}

void MiniAppsController::getStorage(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    const QString key = ex->param(QStringLiteral("key"));
    auto value = m_apps.storage().get(app.id, key);
    if (!value)
        return ex->fail(value.error());
    if (!value.value())
        return ex->fail(ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("Key not found")));
    // The stored JSON goes out as it is (no parse and re-serialise).
    ex->send(Reply::jsonRaw("{\"key\":" + json::valueText(key) + ",\"value\":" + *value.value() + "}"));
}

void MiniAppsController::putStorage(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(ApiError::badRequest(QStringLiteral("STORAGE_ERROR"), body.error().message));
    if (!body->contains(QStringLiteral("value")))
        return ex->fail(ApiError::badRequest(QStringLiteral("STORAGE_ERROR"), QStringLiteral("Body must be {value: any JSON}")));
    const QString key = ex->param(QStringLiteral("key"));
    const QByteArray text = json::valueText(body->value(QStringLiteral("value")));
    if (Status st = m_apps.storage().set(app.id, key, text); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("ok"), true}}));
}

void MiniAppsController::deleteStorage(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    auto removed = m_apps.storage().remove(app.id, ex->param(QStringLiteral("key")));
    if (!removed)
        return ex->fail(removed.error());
    if (!removed.value())
        return ex->fail(ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("Key not found")));
    ex->send(Reply::empty());
}

void MiniAppsController::clearStorage(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    ex->sendResult(m_apps.storage().clear(app.id), [](int n) { return Reply::json(QJsonObject{{QStringLiteral("cleared"), n}}); });
}

// --- snapshots ---

void MiniAppsController::listSnapshots(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    ex->sendResult(m_apps.snapshots(app.id), [&app](const QList<MiniAppSnapshot> &snaps) {
        QJsonArray out;
        for (const MiniAppSnapshot &s : snaps)
            out.append(s.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("currentVersion"), app.version}, {QStringLiteral("snapshots"), out}});
    });
}

void MiniAppsController::createSnapshot(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    // The body is optional; a bad one is ignored as in the reference.
    auto body = ex->jsonObject(true);
    std::optional<QString> label;
    if (body && body->value(QStringLiteral("label")).isString() && !body->value(QStringLiteral("label")).toString().trimmed().isEmpty())
        label = body->value(QStringLiteral("label")).toString().trimmed().left(200);
    ex->sendResult(m_apps.createSnapshot(app.id, label), [](const MiniAppSnapshot &s) {
        return Reply::json(QJsonObject{{QStringLiteral("snapshot"),
                                        QJsonObject{{QStringLiteral("version"), s.version},
                                                    {QStringLiteral("label"), s.label ? QJsonValue(*s.label) : QJsonValue()},
                                                    {QStringLiteral("fileCount"), int(s.files.size())}}}},
                           201);
    });
}

void MiniAppsController::rollback(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    bool ok = false;
    const int version = ex->param(QStringLiteral("version")).toInt(&ok);
    if (!ok || version < 1)
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_VERSION"), QStringLiteral("Version must be a positive integer")));
    ex->sendResult(m_apps.rollback(app.id, version),
                   [](const QString &message) { return Reply::json(QJsonObject{{QStringLiteral("message"), message}}); });
}

// --- icon, proxy, memories, events, console ---

void MiniAppsController::generateIcon(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    auto body = ex->jsonObject(true);
    const QString providerId = body ? body->value(QStringLiteral("providerId")).toString() : QString();
    const QString model = body ? body->value(QStringLiteral("modelId")).toString() : QString();
    const QString appId = app.id;
    m_providers.generateImage(MiniAppService::iconPrompt(app), providerId, model, QStringLiteral("IMAGE_GENERATION_FAILED"),
                              [this, ex, appId](Result<llm::GeneratedImage> image) {
                                  if (!image)
                                      return ex->fail(image.error());
                                  ex->sendResult(m_apps.setIcon(appId, image->data, image->mediaType),
                                                 [this](const MiniApp &a) { return appReply(m_apps.summary(a)); });
                              });
}

void MiniAppsController::httpProxy(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    m_proxy.fetch(app.id, ex->body(), this, [ex](Result<QJsonObject> result) {
        ex->sendResult(result, [](const QJsonObject &o) { return Reply::json(o); });
    });
}

void MiniAppsController::searchMemories(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    const QString q = ex->queryValue(QStringLiteral("q")).trimmed();
    if (q.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("MISSING_QUERY"), QStringLiteral("Query parameter q is required")));
    bool ok = false;
    int limit = ex->queryValue(QStringLiteral("limit")).toInt(&ok);
    limit = ok ? qBound(1, limit, 50) : 20;
    memory::MemorySearchOptions options;
    options.limit = limit;
    options.adaptiveK = false;
    m_memories.search(app.kinId, q, options, this, [ex](Result<QList<memory::ScoredMemory>> found) {
        ex->sendResult(found, [](const QList<memory::ScoredMemory> &list) {
            QJsonArray out;
            for (const memory::ScoredMemory &s : list)
                out.append(QJsonObject{{QStringLiteral("id"), s.memory.id},
                                       {QStringLiteral("content"), s.memory.content},
                                       {QStringLiteral("category"), s.memory.category},
                                       {QStringLiteral("subject"), s.memory.subject.isEmpty() ? QJsonValue() : QJsonValue(s.memory.subject)},
                                       {QStringLiteral("score"), s.score},
                                       {QStringLiteral("updatedAt"), s.memory.updatedAt ? QJsonValue(json::isoMs(s.memory.updatedAt)) : QJsonValue()}});
            return Reply::json(QJsonObject{{QStringLiteral("memories"), out}});
        });
    });
}

void MiniAppsController::createMemory(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    auto body = ex->jsonObject();
    if (!body || !body->value(QStringLiteral("content")).isString() || body->value(QStringLiteral("content")).toString().trimmed().isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_BODY"), QStringLiteral("content (string) is required")));
    const QString content = body->value(QStringLiteral("content")).toString().trimmed();
    if (content.size() > 2000)
        return ex->fail(ApiError::badRequest(QStringLiteral("CONTENT_TOO_LONG"), QStringLiteral("content is limited to 2000 characters")));
    memory::MemoryRecord m;
    m.kinId = app.kinId;
    m.content = content;
    const QString category = body->value(QStringLiteral("category")).toString();
    m.category = memory::MemoryRecord::isCategory(category) ? category : QStringLiteral("knowledge");
    m.subject = body->value(QStringLiteral("subject")).toString().left(200);
    m.sourceChannel = QStringLiteral("explicit");
    m.sourceContext = QStringLiteral("mini-app %1").arg(app.name);
    ex->sendResult(m_memories.create(m), [](const memory::MemoryRecord &r) {
        return Reply::json(QJsonObject{{QStringLiteral("memory"),
                                        QJsonObject{{QStringLiteral("id"), r.id},
                                                    {QStringLiteral("content"), r.content},
                                                    {QStringLiteral("category"), r.category},
                                                    {QStringLiteral("subject"), r.subject.isEmpty() ? QJsonValue() : QJsonValue(r.subject)},
                                                    {QStringLiteral("createdAt"), json::isoMs(r.createdAt)}}}},
                           201);
    });
}

void MiniAppsController::events(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    const HeaderPairs common = ex->commonHeaders();
    m_streams.attach(app.id, ex->takeResponder(), common);
}

void MiniAppsController::postConsole(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString level = body->value(QStringLiteral("level")).toString();
    if (!MiniAppConsole::isLevel(level))
        return ex->fail(ApiError::badRequest(QStringLiteral("BAD_REQUEST"), QStringLiteral("Invalid level")));
    APP_OR_FAIL(ex);
    MiniAppConsole::Entry e;
    e.level = level;
    for (const QJsonValue &a : body->value(QStringLiteral("args")).toArray())
        e.args.append(json::text(a).left(4000));
    if (body->value(QStringLiteral("stack")).isString())
        e.stack = body->value(QStringLiteral("stack")).toString();
    const QJsonValue ts = body->value(QStringLiteral("timestamp"));
    e.timestamp = ts.isDouble() ? qint64(ts.toDouble()) : m_clock.nowMs();
    m_apps.console().append(app.id, std::move(e));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

void MiniAppsController::getConsole(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    QJsonArray out;
    for (const MiniAppConsole::Entry &e : m_apps.console().entries(app.id, ex->queryValue(QStringLiteral("level"))))
        out.append(MiniAppConsole::toJson(e));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("entries"), out}}));
}

void MiniAppsController::clearConsole(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    m_apps.console().clear(app.id);
    ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}}));
}

// --- serving ---

void MiniAppsController::serve(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    auto html = m_apps.files().read(m_apps.appDir(app), app.entryFile);
    if (!html) {
        Reply r = Reply::bytes("<html><body><p>App entry file not found.</p></body></html>", "text/html; charset=utf-8", 404);
        r.header("Cache-Control", "no-store");
        return ex->send(r);
    }
    auto appJson = m_apps.files().read(m_apps.appDir(app), QStringLiteral("app.json"));
    const QByteArray manifest = appJson ? appJson.value() : QByteArray();
    const QString appId = app.id;
    const auto send = [ex](const QByteArray &page) {
        Reply r = Reply::bytes(page, "text/html; charset=utf-8");
        r.header("Cache-Control", "no-store");
        r.header("Content-Security-Policy", miniapp::contentSecurityPolicy());
        r.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        ex->send(r);
    };
    if (!miniapp::hasInlineJsx(html.value()))
        return send(miniapp::renderEntry(html.value(), appId, manifest, {}));
    // The transpiler is a process: off the main loop.
    runOffThread(m_pool, this, [page = html.value(), appId, manifest, jsx = m_jsx] { return miniapp::renderEntry(page, appId, manifest, jsx); },
                 send);
}

void MiniAppsController::staticFile(const ExchangePtr &ex)
{
    APP_OR_FAIL(ex);
    const QString path = ex->param(QStringLiteral("*"));
    if (path.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("MISSING_PATH"), QStringLiteral("A file path is required")));
    auto content = m_apps.files().read(m_apps.appDir(app), path);
    if (!content)
        return ex->fail(content.error().kind == ErrorKind::NotFound ? ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("File not found"))
                                                                     : content.error());
    const QByteArray etag = etagOf(content.value());
    if (notModified(ex, etag))
        return ex->send(withCaching(Reply::empty(304), etag));
    const QString lower = path.toLower();
    if (lower.endsWith(QLatin1String(".jsx")) || lower.endsWith(QLatin1String(".tsx")))
        return sendJsx(ex, content.value(), path, etag);
    Reply r = Reply::bytes(content.value(), MiniAppFiles::mimeTypeFor(path).toLatin1());
    // Pages and workers loaded from here get the app's policy, not the API's default-src 'none'.
    r.header("Content-Security-Policy", miniapp::contentSecurityPolicy());
    ex->send(withCaching(r, etag));
}

void MiniAppsController::sendJsx(const ExchangePtr &ex, const QByteArray &source, const QString &name, const QByteArray &etag)
{
    const auto send = [ex, etag](const QByteArray &code, int status) {
        Reply r = Reply::bytes(code, "application/javascript; charset=utf-8", status);
        ex->send(status == 200 ? withCaching(r, etag) : r.header("Cache-Control", "no-store"));
    };
    const QByteArray key = QCryptographicHash::hash(source, QCryptographicHash::Sha1);
    if (const QByteArray *hit = m_jsxCache.object(key))
        return send(*hit, 200);
    if (!m_jsx)
        return send(miniapp::failedModule(name, QStringLiteral("no transpiler")), 500);
    QPointer<MiniAppsController> self(this);
    runOffThread(m_pool, this, [jsx = m_jsx, source, name] { return jsx(source, name); },
                 [self, send, key, name](Result<QByteArray> code) {
                     if (!code)
                         return send(miniapp::failedModule(name, code.error().message), 500);
                     if (self)
                         self->m_jsxCache.insert(key, new QByteArray(code.value()), qMax<qsizetype>(1, code->size() / 1024));
                     send(code.value(), 200);
                 });
}

void MiniAppsController::sdkFile(const ExchangePtr &ex)
{
    const QString path = ex->param(QStringLiteral("*"));
    // sdk/<file> from the SDK sources, sdk/vendor/<file> from the bundled React.
    const QString resource = path.startsWith(QLatin1String("vendor/")) ? QStringLiteral(":/miniapp-vendor/") + path.mid(7)
                                                                        : QStringLiteral(":/sdk/") + path;
    QFile f(resource);
    if (path.contains(QLatin1String("..")) || !f.open(QIODevice::ReadOnly))
        return ex->fail(ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("SDK file not found: %1").arg(path)));
    QByteArray type = "application/octet-stream";
    if (path.endsWith(QLatin1String(".d.ts")))
        type = "application/typescript";
    else if (path.endsWith(QLatin1String(".js")))
        type = "application/javascript; charset=utf-8";
    else if (path.endsWith(QLatin1String(".css")))
        type = "text/css; charset=utf-8";
    else if (path.endsWith(QLatin1String(".map")))
        type = "application/json";
    Reply r = Reply::bytes(f.readAll(), type);
    r.header("Cache-Control", "public, max-age=3600");
    ex->send(r);
}

} // namespace kinbot
