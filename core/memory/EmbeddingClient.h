#pragma once

#include "llm/LlmTypes.h"
#include "memory/Embeddings.h"
#include "util/Result.h"

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QObject;

namespace kinbot::memory {

// Embeddings of one configured provider + model. Stateless between calls apart from its config; cheap to create.
class EmbeddingClient
{
public:
    using Callback = std::function<void(Result<Embeddings>)>;
    virtual ~EmbeddingClient() = default;

    // Embeds request.texts (split into batches of limits.maxBatch, sent one after the other; 429/5xx/connection errors
    // retried). `done` runs once on context's thread, never synchronously, and not at all when context is destroyed
    // first (requests in flight are then aborted). The client itself may be destroyed while a call is in flight.
    // Errors: VALIDATION_ERROR (an empty text), PROVIDER_AUTH_FAILED, PROVIDER_RATE_LIMITED, PROVIDER_ERROR (4xx/5xx),
    // PROVIDER_UNREACHABLE, PROVIDER_TIMEOUT, PROVIDER_BAD_RESPONSE (malformed JSON, wrong vector count, ragged vectors).
    virtual void embed(const EmbeddingRequest &request, QObject *context, Callback done) = 0;

    virtual QString model() const = 0;
    virtual QString providerType() const = 0;
};

// Whether the provider type has an embeddings API this client speaks.
bool supportsEmbeddings(const QString &providerType);

// A reasonable embeddings model of the type when the user chose none ("" when the type has no known default).
QString defaultEmbeddingModel(const QString &providerType);

// A client for config.type and `model` (empty = defaultEmbeddingModel), or nullptr when the type has no embeddings API.
// The base URL is the configured one or the type's default (also for the embedding-only types voyage, jina, nomic).
std::unique_ptr<EmbeddingClient> makeEmbeddingClient(QNetworkAccessManager &network, const llm::ProviderConfig &config,
                                                     const QString &model = {}, const EmbeddingLimits &limits = {});

} // namespace kinbot::memory
