#include "providers/ProviderService.h"

#include "crypto/SecretBox.h"
#include "events/EventBus.h"
#include "log/Logger.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QUrl>

namespace kinbot {

namespace {

QByteArray sealContext(const QString &id) { return "provider:" + id.toUtf8(); }

QStringList stringList(const QJsonArray &a)
{
    QStringList out;
    for (const QJsonValue &v : a)
        out.append(v.toString());
    return out;
}

// Family of a provider type for model resolution: the native APIs keep their name, compat types are their own family.
QString familyOf(const QString &type)
{
    return type == QLatin1String("anthropic-oauth") ? QStringLiteral("anthropic") : type;
}

} // namespace

ProviderService::ProviderService(const Database &db, const SecretBox &box, QNetworkAccessManager &network, EventBus &bus,
                                 const Clock &clock, Logger &logger, QObject *parent)
    : QObject(parent), m_db(db), m_box(box), m_network(network), m_bus(bus), m_clock(clock), m_logger(logger)
{
}

Result<QList<ProviderRecord>> ProviderService::list() const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id, name, type, config_sealed, capabilities, is_valid, last_error, created_at "
                                              "FROM providers ORDER BY created_at, id"));
    if (!rows)
        return rows.error();
    QList<ProviderRecord> out;
    for (const Database::Row &r : rows.value()) {
        ProviderRecord p;
        p.id = r.at(0).toString();
        p.name = r.at(1).toString();
        p.type = r.at(2).toString();
        p.capabilities = stringList(QJsonDocument::fromJson(r.at(4).toByteArray()).array());
        p.isValid = r.at(5).toLongLong() != 0;
        p.lastError = r.at(6).toString();
        p.createdAt = r.at(7).toLongLong();
        p.config.type = p.type;
        auto plain = m_box.open(r.at(3).toString(), sealContext(p.id));
        if (plain) {
            const QJsonObject cfg = QJsonDocument::fromJson(plain.value()).object();
            p.config.apiKey = cfg.value(QStringLiteral("apiKey")).toString();
            p.config.baseUrl = cfg.value(QStringLiteral("baseUrl")).toString();
        } else {
            // A config that no longer opens (another key file) makes the provider unusable, not the whole list.
            p.isValid = false;
            p.lastError = plain.error().message;
        }
        out.append(p);
    }
    return out;
}

Result<ProviderRecord> ProviderService::find(const QString &id) const
{
    auto all = list();
    if (!all)
        return all.error();
    for (const ProviderRecord &p : all.value())
        if (p.id == id)
            return p;
    return ApiError::notFound(QStringLiteral("PROVIDER_NOT_FOUND"), QStringLiteral("Provider not found"));
}

QJsonObject ProviderService::summaryJson(const ProviderRecord &p)
{
    // apiKeyHint lets a settings screen show which key is stored without ever sending it back.
    const QString hint = p.config.apiKey.size() >= 12 ? QStringLiteral("…") + p.config.apiKey.right(4) : QString();
    return {{QStringLiteral("id"), p.id},
            {QStringLiteral("name"), p.name},
            {QStringLiteral("type"), p.type},
            {QStringLiteral("capabilities"), QJsonArray::fromStringList(p.capabilities)},
            {QStringLiteral("isValid"), p.isValid},
            {QStringLiteral("lastError"), p.lastError.isEmpty() ? QJsonValue() : QJsonValue(p.lastError)},
            {QStringLiteral("baseUrl"), p.config.baseUrl.isEmpty() ? QJsonValue() : QJsonValue(p.config.baseUrl)},
            {QStringLiteral("apiKeyHint"), hint.isEmpty() ? QJsonValue() : QJsonValue(hint)},
            {QStringLiteral("createdAt"), json::isoMs(p.createdAt)}};
}

QJsonObject ProviderService::capabilitySummary() const
{
    QJsonObject caps{{QStringLiteral("llm"), false}, {QStringLiteral("embedding"), false}, {QStringLiteral("image"), false},
                     {QStringLiteral("search"), false}};
    auto all = list();
    if (all) {
        for (const ProviderRecord &p : all.value())
            if (p.isValid)
                for (const QString &c : p.capabilities)
                    if (caps.contains(c))
                        caps.insert(c, true);
    }
    return caps;
}

QJsonArray ProviderService::typesJson()
{
    QJsonArray out;
    for (const llm::ProviderType &t : llm::providerTypes()) {
        QJsonObject o{{QStringLiteral("type"), t.type},
                      {QStringLiteral("displayName"), t.displayName},
                      {QStringLiteral("capabilities"), QJsonArray::fromStringList(t.capabilities)},
                      {QStringLiteral("noApiKey"), t.noApiKey},
                      {QStringLiteral("defaultBaseUrl"), t.defaultBaseUrl},
                      {QStringLiteral("source"), QStringLiteral("builtin")}};
        if (!t.apiKeyUrl.isEmpty())
            o.insert(QStringLiteral("apiKeyUrl"), t.apiKeyUrl);
        out.append(o);
    }
    return out;
}

Result<llm::ProviderConfig> ProviderService::parseConfig(const QString &type, const QJsonValue &config,
                                                         const llm::ProviderConfig *base) const
{
    const llm::ProviderType *t = llm::findProviderType(type);
    if (!t)
        return ApiError::badRequest(QStringLiteral("INVALID_TYPE"), QStringLiteral("Unknown provider type: %1").arg(type));
    llm::ProviderConfig c = base ? *base : llm::ProviderConfig{};
    c.type = type;
    if (!config.isUndefined()) {
        if (!config.isObject())
            return ApiError::badRequest(QStringLiteral("INVALID_CONFIG"), QStringLiteral("config must be an object {apiKey, baseUrl?}"));
        const QJsonObject o = config.toObject();
        const QJsonValue key = o.value(QStringLiteral("apiKey"));
        if (!key.isUndefined() && !key.isNull()) {
            if (!key.isString() || key.toString().size() > 4096)
                return ApiError::badRequest(QStringLiteral("INVALID_CONFIG"), QStringLiteral("config.apiKey must be a string"));
            c.apiKey = key.toString().trimmed();
        }
        const QJsonValue url = o.value(QStringLiteral("baseUrl"));
        if (!url.isUndefined()) {
            if (url.isNull() || (url.isString() && url.toString().trimmed().isEmpty())) {
                c.baseUrl.clear();
            } else {
                const QUrl parsed(url.toString().trimmed(), QUrl::StrictMode);
                if (!url.isString() || !parsed.isValid() || (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))
                    || parsed.host().isEmpty())
                    return ApiError::badRequest(QStringLiteral("INVALID_CONFIG"), QStringLiteral("config.baseUrl must be an http(s) URL"));
                c.baseUrl = url.toString().trimmed();
            }
        }
    }
    if (c.apiKey.isEmpty() && !t->noApiKey)
        return ApiError::badRequest(QStringLiteral("INVALID_CONFIG"), QStringLiteral("config.apiKey is required for %1").arg(t->displayName));
    return c;
}

std::unique_ptr<llm::LlmClient> ProviderService::clientFor(const llm::ProviderConfig &config) const
{
    return llm::makeClient(m_network, config, m_limits);
}

void ProviderService::runTest(const llm::ProviderConfig &config, TestCallback done)
{
    std::shared_ptr<llm::LlmClient> client(clientFor(config));
    const llm::ProviderType *t = llm::findProviderType(config.type);
    const QStringList caps = t ? t->capabilities : QStringList();
    if (!client && t && t->apiStyle == QLatin1String("embeddings") && m_embeddingProbe)
        return m_embeddingProbe(config, this, [caps, done](const QString &error) {
            done(error.isEmpty() ? ConnectionTest{true, caps, {}} : ConnectionTest{false, {}, error});
        });
    if (!client)
        return done(ConnectionTest{false, {}, QStringLiteral("Provider type %1 has no client").arg(config.type)});
    client->listModels(this, [client, caps, done](Result<QList<llm::ModelInfo>> models) {
        ConnectionTest out;
        if (models) {
            out.valid = true;
            out.capabilities = caps;
        } else {
            out.error = models.error().message;
        }
        done(out);
    });
}

void ProviderService::create(const QJsonObject &body, std::function<void(Result<ProviderRecord>)> done)
{
    const QJsonValue nameValue = body.value(QStringLiteral("name"));
    const QString name = nameValue.toString().trimmed();
    if (!nameValue.isString() || name.isEmpty() || name.size() > 100)
        return done(ApiError::badRequest(QStringLiteral("INVALID_NAME"), QStringLiteral("name is required (1-100 characters)")));
    auto config = parseConfig(body.value(QStringLiteral("type")).toString(), body.value(QStringLiteral("config")), nullptr);
    if (!config)
        return done(config.error());
    runTest(config.value(), [this, name, cfg = config.value(), done](ConnectionTest t) {
        ProviderRecord p;
        p.id = ids::uuid();
        p.name = name;
        p.type = cfg.type;
        p.config = cfg;
        p.capabilities = t.capabilities;
        p.isValid = t.valid;
        p.lastError = t.error;
        p.createdAt = m_clock.nowMs();
        const QJsonObject sealed{{QStringLiteral("apiKey"), cfg.apiKey}, {QStringLiteral("baseUrl"), cfg.baseUrl}};
        auto ins = m_db.run(QStringLiteral("INSERT INTO providers(id, name, type, config_sealed, capabilities, is_valid, last_error, created_at, updated_at) "
                                           "VALUES(?,?,?,?,?,?,?,?,?)"),
                            {p.id, p.name, p.type, m_box.seal(json::compact(sealed), sealContext(p.id)),
                             QString::fromUtf8(json::compact(QJsonArray::fromStringList(p.capabilities))), p.isValid ? 1 : 0,
                             p.lastError.isEmpty() ? QVariant() : QVariant(p.lastError), p.createdAt, p.createdAt});
        if (!ins)
            return done(ins.error());
        m_logger.info(QStringLiteral("providers"), QStringLiteral("Provider created"),
                      {{QStringLiteral("providerId"), p.id}, {QStringLiteral("type"), p.type}, {QStringLiteral("valid"), p.isValid}});
        m_bus.broadcast(QStringLiteral("provider:created"),
                        {{QStringLiteral("providerId"), p.id}, {QStringLiteral("name"), p.name}, {QStringLiteral("providerType"), p.type},
                         {QStringLiteral("capabilities"), QJsonArray::fromStringList(p.capabilities)}, {QStringLiteral("isValid"), p.isValid}});
        done(p);
    });
}

void ProviderService::update(const QString &id, const QJsonObject &body, std::function<void(Result<ProviderRecord>)> done)
{
    auto existing = find(id);
    if (!existing)
        return done(existing.error());
    ProviderRecord p = existing.value();
    if (body.contains(QStringLiteral("name"))) {
        const QString name = body.value(QStringLiteral("name")).toString().trimmed();
        if (!body.value(QStringLiteral("name")).isString() || name.isEmpty() || name.size() > 100)
            return done(ApiError::badRequest(QStringLiteral("INVALID_NAME"), QStringLiteral("name must be 1-100 characters")));
        p.name = name;
    }
    const bool newConfig = body.contains(QStringLiteral("config"));
    auto config = parseConfig(p.type, body.value(QStringLiteral("config")), &p.config);
    if (!config)
        return done(config.error());
    p.config = config.value();
    auto store = [this, p, done](const std::optional<ConnectionTest> &t) mutable {
        if (t) {
            p.isValid = t->valid;
            p.capabilities = t->capabilities;
            p.lastError = t->error;
        }
        const QJsonObject sealed{{QStringLiteral("apiKey"), p.config.apiKey}, {QStringLiteral("baseUrl"), p.config.baseUrl}};
        auto up = m_db.run(QStringLiteral("UPDATE providers SET name = ?, config_sealed = ?, capabilities = ?, is_valid = ?, last_error = ?, "
                                          "updated_at = ? WHERE id = ?"),
                           {p.name, m_box.seal(json::compact(sealed), sealContext(p.id)),
                            QString::fromUtf8(json::compact(QJsonArray::fromStringList(p.capabilities))), p.isValid ? 1 : 0,
                            p.lastError.isEmpty() ? QVariant() : QVariant(p.lastError), m_clock.nowMs(), p.id});
        if (!up)
            return done(up.error());
        if (up.value() == 0)
            return done(ApiError::notFound(QStringLiteral("PROVIDER_NOT_FOUND"), QStringLiteral("Provider not found")));
        m_bus.broadcast(QStringLiteral("provider:updated"),
                        {{QStringLiteral("providerId"), p.id}, {QStringLiteral("name"), p.name}, {QStringLiteral("providerType"), p.type},
                         {QStringLiteral("capabilities"), QJsonArray::fromStringList(p.capabilities)}, {QStringLiteral("isValid"), p.isValid},
                         {QStringLiteral("lastError"), p.lastError.isEmpty() ? QJsonValue() : QJsonValue(p.lastError)}});
        done(p);
    };
    if (newConfig)
        runTest(p.config, [store](ConnectionTest t) mutable { store(t); });
    else
        store(std::nullopt);
}

Status ProviderService::remove(const QString &id)
{
    auto all = list();
    if (!all)
        return all.error();
    const ProviderRecord *target = nullptr;
    for (const ProviderRecord &p : all.value())
        if (p.id == id)
            target = &p;
    if (!target)
        return ApiError::notFound(QStringLiteral("PROVIDER_NOT_FOUND"), QStringLiteral("Provider not found"));
    for (const QString &cap : {QStringLiteral("llm"), QStringLiteral("embedding")}) {
        if (!target->capabilities.contains(cap))
            continue;
        bool another = false;
        for (const ProviderRecord &p : all.value())
            another = another || (p.id != id && p.capabilities.contains(cap));
        if (!another)
            return ApiError::conflict(QStringLiteral("PROVIDER_REQUIRED"),
                                      QStringLiteral("This is the last provider with the %1 capability; add another one first").arg(cap));
    }
    QStringList kinIds;
    Status st = m_db.transaction([&]() -> Status {
        auto kins = m_db.selectAll(QStringLiteral("SELECT id FROM kins WHERE provider_id = ?"), {id});
        if (!kins)
            return kins.error();
        for (const Database::Row &r : kins.value())
            kinIds.append(r.at(0).toString());
        auto del = m_db.run(QStringLiteral("DELETE FROM providers WHERE id = ?"), {id});
        return del ? Status() : Status(del.error());
    });
    if (!st)
        return st;
    m_bus.broadcast(QStringLiteral("provider:deleted"), {{QStringLiteral("providerId"), id}});
    for (const QString &kinId : std::as_const(kinIds))
        m_bus.broadcast(QStringLiteral("kin:updated"), {{QStringLiteral("kinId"), kinId}, {QStringLiteral("providerId"), QJsonValue()}});
    Q_EMIT providerRemoved(id, kinIds);
    return {};
}

Status ProviderService::storeTestOutcome(const QString &id, const ConnectionTest &t)
{
    auto up = m_db.run(QStringLiteral("UPDATE providers SET capabilities = ?, is_valid = ?, last_error = ?, updated_at = ? WHERE id = ?"),
                       {QString::fromUtf8(json::compact(QJsonArray::fromStringList(t.capabilities))), t.valid ? 1 : 0,
                        t.error.isEmpty() ? QVariant() : QVariant(t.error), m_clock.nowMs(), id});
    return up ? Status() : Status(up.error());
}

void ProviderService::testConfig(const QJsonObject &body, std::function<void(Result<ConnectionTest>)> done)
{
    auto config = parseConfig(body.value(QStringLiteral("type")).toString(), body.value(QStringLiteral("config")), nullptr);
    if (!config)
        return done(config.error());
    runTest(config.value(), [done](ConnectionTest t) { done(t); });
}

void ProviderService::testSaved(const QString &id, std::function<void(Result<ConnectionTest>)> done)
{
    auto p = find(id);
    if (!p)
        return done(p.error());
    runTest(p->config, [this, rec = p.value(), done](ConnectionTest t) {
        if (Status st = storeTestOutcome(rec.id, t); !st)
            return done(st.error());
        m_bus.broadcast(QStringLiteral("provider:updated"),
                        {{QStringLiteral("providerId"), rec.id}, {QStringLiteral("name"), rec.name}, {QStringLiteral("providerType"), rec.type},
                         {QStringLiteral("capabilities"), QJsonArray::fromStringList(t.capabilities)}, {QStringLiteral("isValid"), t.valid},
                         {QStringLiteral("lastError"), t.error.isEmpty() ? QJsonValue() : QJsonValue(t.error)}});
        done(t);
    });
}

void ProviderService::allModels(std::function<void(QJsonArray)> done)
{
    auto all = list();
    QList<ProviderRecord> valid;
    if (all)
        for (const ProviderRecord &p : all.value())
            if (p.isValid)
                valid.append(p);
    if (valid.isEmpty())
        return done({});
    struct Gather
    {
        int pending = 0;
        QList<QJsonArray> perProvider; // kept in provider order
        std::function<void(QJsonArray)> done;
    };
    auto gather = std::make_shared<Gather>();
    gather->pending = int(valid.size());
    gather->perProvider.resize(valid.size());
    gather->done = std::move(done);
    for (int i = 0; i < valid.size(); ++i) {
        const ProviderRecord p = valid.at(i);
        std::shared_ptr<llm::LlmClient> client(clientFor(p.config));
        auto finish = [gather, i](QJsonArray items) {
            gather->perProvider[i] = std::move(items);
            if (--gather->pending == 0) {
                QJsonArray out;
                for (const QJsonArray &a : std::as_const(gather->perProvider))
                    for (const QJsonValue &v : a)
                        out.append(v);
                gather->done(out);
            }
        };
        if (!client) {
            finish({});
            continue;
        }
        client->listModels(this, [client, p, finish](Result<QList<llm::ModelInfo>> models) {
            QJsonArray items;
            if (models) {
                for (const llm::ModelInfo &m : models.value()) {
                    QJsonObject o{{QStringLiteral("id"), m.id},
                                  {QStringLiteral("name"), m.name.isEmpty() ? m.id : m.name},
                                  {QStringLiteral("providerId"), p.id},
                                  {QStringLiteral("providerName"), p.name},
                                  {QStringLiteral("providerType"), p.type},
                                  {QStringLiteral("capability"), m.capability}};
                    if (m.supportsImageInput)
                        o.insert(QStringLiteral("supportsImageInput"), true);
                    items.append(o);
                }
            }
            finish(items);
        });
    }
}

QString ProviderService::guessFamily(const QString &model)
{
    const QString m = model.toLower();
    if (m.startsWith(QLatin1String("claude-")))
        return QStringLiteral("anthropic");
    if (m.startsWith(QLatin1String("gpt-")) || m.startsWith(QLatin1String("chatgpt-")) || m.startsWith(QLatin1String("o1"))
        || m.startsWith(QLatin1String("o3")) || m.startsWith(QLatin1String("o4")))
        return QStringLiteral("openai");
    if (m.startsWith(QLatin1String("gemini-")))
        return QStringLiteral("gemini");
    if (m.contains(QLatin1String("deepseek")))
        return QStringLiteral("deepseek");
    if (m.contains(QLatin1Char('/')))
        return QStringLiteral("openrouter");
    return {};
}

Result<ProviderService::Resolved> ProviderService::resolveLlm(const QString &model, const QString &preferredProviderId) const
{
    auto all = list();
    if (!all)
        return all.error();
    auto usable = [](const ProviderRecord &p) { return p.isValid && p.capabilities.contains(QLatin1String("llm")); };
    const ProviderRecord *chosen = nullptr;
    // The provider a Kin names wins whatever the model id looks like (the reference re-checks the family and so
    // skips e.g. an LM Studio provider serving "gpt-oss"); the family guess only steers the fallback search.
    for (const ProviderRecord &p : all.value())
        if (!preferredProviderId.isEmpty() && p.id == preferredProviderId && usable(p))
            chosen = &p;
    if (!chosen) {
        const QString family = guessFamily(model);
        for (const ProviderRecord &p : all.value()) {
            if (!usable(p))
                continue;
            if (family.isEmpty() || familyOf(p.type) == family || p.type == QLatin1String("openrouter")) {
                chosen = &p;
                break;
            }
        }
    }
    if (!chosen)
        return ApiError::unprocessable(QStringLiteral("NO_LLM_PROVIDER"), QStringLiteral("No LLM provider available for this model"));
    std::shared_ptr<llm::LlmClient> client(clientFor(chosen->config));
    if (!client)
        return ApiError::unprocessable(QStringLiteral("UNSUPPORTED_PROVIDER"), QStringLiteral("Provider type %1 cannot chat").arg(chosen->type));
    return Resolved{*chosen, client};
}

void ProviderService::detectLocal(std::function<void(QJsonObject)> done)
{
    llm::probeLocalProviders(m_network, this, [this, done](const QList<llm::LocalProviderStatus> &found) {
        auto all = list();
        QJsonArray out;
        for (const llm::LocalProviderStatus &st : found) {
            bool configured = false;
            if (all)
                for (const ProviderRecord &p : all.value())
                    configured = configured || (p.type == st.type && p.config.baseUrl.startsWith(st.baseUrl.section(QLatin1Char('/'), 0, 2)));
            QJsonArray models;
            for (const llm::ModelInfo &m : st.models)
                models.append(m.id);
            const llm::ProviderType *t = llm::findProviderType(st.type);
            QJsonObject item{{QStringLiteral("type"), st.type},
                             {QStringLiteral("displayName"), t ? t->displayName : st.type},
                             {QStringLiteral("baseUrl"), st.baseUrl},
                             {QStringLiteral("reachable"), st.reachable},
                             {QStringLiteral("models"), models},
                             {QStringLiteral("configured"), configured}};
            if (!st.reachable && !st.error.isEmpty())
                item.insert(QStringLiteral("error"), st.error);
            out.append(item);
        }
        done(QJsonObject{{QStringLiteral("detected"), out}});
    }, m_probeTargets);
}

void ProviderService::generateImage(const QString &prompt, const QString &preferredProviderId, const QString &model,
                                    const QString &failureCode, std::function<void(Result<llm::GeneratedImage>)> done)
{
    auto all = list();
    if (!all)
        return done(all.error());
    // Image generation speaks the OpenAI images API; Gemini's Imagen endpoint is not wired yet.
    auto canDraw = [](const ProviderRecord &p) {
        const llm::ProviderType *t = llm::findProviderType(p.type);
        return p.isValid && p.capabilities.contains(QStringLiteral("image")) && t && t->apiStyle == QLatin1String("openai");
    };
    const ProviderRecord *chosen = nullptr;
    for (const ProviderRecord &p : all.value())
        if (p.id == preferredProviderId && canDraw(p))
            chosen = &p;
    if (!preferredProviderId.isEmpty() && !chosen)
        return done(ApiError::badRequest(QStringLiteral("NO_IMAGE_PROVIDER"),
                                         QStringLiteral("That provider cannot generate images (it needs the image capability and an OpenAI-compatible API)")));
    for (const ProviderRecord &p : all.value())
        if (!chosen && canDraw(p) && (!model.isEmpty() || !llm::defaultImageModel(p.type).isEmpty()))
            chosen = &p;
    if (!chosen)
        return done(ApiError::badRequest(QStringLiteral("NO_IMAGE_PROVIDER"),
                                         QStringLiteral("No image provider is configured: add an OpenAI-compatible provider with image generation")));
    const QString useModel = model.isEmpty() ? llm::defaultImageModel(chosen->type) : model;
    const llm::ProviderType *type = llm::findProviderType(chosen->type);
    llm::generateImage(m_network, llm::resolveClientSettings(*type, chosen->config, m_limits), useModel, prompt, this, failureCode,
                       std::move(done));
}

} // namespace kinbot
