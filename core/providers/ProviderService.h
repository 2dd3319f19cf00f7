#pragma once

#include "llm/ImageGeneration.h"
#include "llm/LlmClient.h"
#include "llm/LocalProviderProbe.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace kinbot {

class Clock;
class Database;
class EventBus;
class Logger;
class SecretBox;

struct ProviderRecord
{
    QString id;
    QString name;
    QString type;
    QStringList capabilities;
    bool isValid = false;
    QString lastError;
    qint64 createdAt = 0;
    llm::ProviderConfig config; // decrypted
};

struct ConnectionTest
{
    bool valid = false;
    QStringList capabilities; // the type's capabilities when valid, else empty
    QString error;
};

// Provider rows (configs sealed with AES-256-GCM, never returned in full), their connection tests, model listing
// and the resolution of a Kin's model to a client (engine.md §3). Lives on the main thread.
class ProviderService final : public QObject
{
    Q_OBJECT
public:
    using TestCallback = std::function<void(ConnectionTest)>;

    ProviderService(const Database &db, const SecretBox &box, QNetworkAccessManager &network, EventBus &bus, const Clock &clock,
                    Logger &logger, QObject *parent = nullptr);

    // Limits applied to every client this service creates (tests shorten them).
    void setClientLimits(const llm::ClientLimits &limits) { m_limits = limits; }
    // Tests a provider of an embeddings-only type (no chat client) by embedding a word; "" = it works, else the error.
    using EmbeddingProbe = std::function<void(const llm::ProviderConfig &, QObject *context, std::function<void(QString error)>)>;
    void setEmbeddingProbe(EmbeddingProbe probe) { m_embeddingProbe = std::move(probe); }

    Result<QList<ProviderRecord>> list() const;
    Result<ProviderRecord> find(const QString &id) const;
    static QJsonObject summaryJson(const ProviderRecord &p); // list item: never the key itself
    QJsonObject capabilitySummary() const;
    static QJsonArray typesJson();

    // Validates, tests the connection, stores (even when invalid, as the reference does) → the stored record.
    void create(const QJsonObject &body, std::function<void(Result<ProviderRecord>)> done);
    void update(const QString &id, const QJsonObject &body, std::function<void(Result<ProviderRecord>)> done);
    Status remove(const QString &id);
    // Tests an unsaved config, or a saved provider (and stores the outcome).
    void testConfig(const QJsonObject &body, std::function<void(Result<ConnectionTest>)> done);
    void testSaved(const QString &id, std::function<void(Result<ConnectionTest>)> done);
    // One image from the preferred image provider (else the first valid one whose API can draw) with model (else the
    // type's default). 400 NO_IMAGE_PROVIDER when none can, 502 <failureCode> when the provider fails.
    void generateImage(const QString &prompt, const QString &preferredProviderId, const QString &model, const QString &failureCode,
                       std::function<void(Result<llm::GeneratedImage>)> done);

    // Local model servers (Ollama, LM Studio) answering on their default loopback ports →
    // {detected:[{type, displayName, baseUrl, reachable, models:[ids], configured}]}, for the "add provider" screen.
    void detectLocal(std::function<void(QJsonObject)> done);
    void setLocalProbeTargets(QList<llm::LocalProbeTarget> targets) { m_probeTargets = std::move(targets); }

    // Models of every valid provider (failures skipped) as the /api/providers/models items.
    void allModels(std::function<void(QJsonArray)> done);

    // The client for a Kin's model: the preferred provider when it qualifies, else the first valid LLM provider whose
    // family matches the model id (engine.md §3.4). Error NO_LLM_PROVIDER when none does.
    struct Resolved
    {
        ProviderRecord provider;
        std::shared_ptr<llm::LlmClient> client;
    };
    Result<Resolved> resolveLlm(const QString &model, const QString &preferredProviderId) const;
    std::unique_ptr<llm::LlmClient> clientFor(const llm::ProviderConfig &config) const;

    // The provider family a model id suggests ("anthropic", "openai", "gemini", "deepseek", "openrouter" or "").
    static QString guessFamily(const QString &model);

Q_SIGNALS:
    // A provider row went away: Kins pointing to it were set to no provider (their ids).
    void providerRemoved(const QString &providerId, const QStringList &affectedKinIds);

private:
    Result<llm::ProviderConfig> parseConfig(const QString &type, const QJsonValue &config, const llm::ProviderConfig *base) const;
    void runTest(const llm::ProviderConfig &config, TestCallback done);
    Status storeTestOutcome(const QString &id, const ConnectionTest &t);

    const Database &m_db;
    const SecretBox &m_box;
    QNetworkAccessManager &m_network;
    EventBus &m_bus;
    const Clock &m_clock;
    Logger &m_logger;
    llm::ClientLimits m_limits;
    QList<llm::LocalProbeTarget> m_probeTargets = llm::defaultLocalProbeTargets();
    EmbeddingProbe m_embeddingProbe;
};

} // namespace kinbot
