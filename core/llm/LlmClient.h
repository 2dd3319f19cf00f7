#pragma once

#include "llm/LlmTypes.h"
#include "util/Result.h"

#include <QObject>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace kinbot::llm {

// One streamed model step in flight. Signals arrive on the thread that started it (the event loop of the
// QNetworkAccessManager); exactly one of finished/failed is emitted, once, after any text/tool signals.
// The object stays owned by the parent given to streamChat(); delete it (or deleteLater) after finished/failed.
class ChatStream : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Aborts the request; failed(Cancelled) follows (queued, never from inside cancel()).
    virtual void cancel() = 0;

Q_SIGNALS:
    void textDelta(const QString &text);
    // A tool call began streaming (its arguments are not complete yet).
    void toolCallStarted(const QString &toolCallId, const QString &toolName);
    // A tool call is complete with its parsed arguments.
    void toolCallReady(const kinbot::llm::ToolCall &call);
    void finished(const kinbot::llm::ChatResult &result);
    void failed(const kinbot::llm::LlmError &error);
};

// A client for one configured provider. Stateless between calls apart from its config; cheap to create.
class LlmClient
{
public:
    virtual ~LlmClient() = default;
    // Starts one streamed step (system + messages + tools → text deltas and tool calls). Never blocks.
    virtual ChatStream *streamChat(const ChatRequest &request, QObject *parent) = 0;
    // Lists the provider's models; also the connection test (an auth/network failure is an error). Never blocks.
    virtual void listModels(QObject *context, std::function<void(Result<QList<ModelInfo>>)> done) = 0;
};

// The built-in provider types and their defaults (engine.md §3.2).
const QList<ProviderType> &providerTypes();
const ProviderType *findProviderType(const QString &type);

// A client for config.type, or nullptr when the type is unknown or has no chat API.
std::unique_ptr<LlmClient> makeClient(QNetworkAccessManager &network, const ProviderConfig &config,
                                      const ClientLimits &limits = {});

// Registers ToolCall / ChatResult / LlmError for queued connections and QSignalSpy. Idempotent; makeClient() and every
// ChatStream call it, so callers only need it when they connect queued before creating any client.
void registerLlmMetaTypes();

} // namespace kinbot::llm

Q_DECLARE_METATYPE(kinbot::llm::ToolCall)
Q_DECLARE_METATYPE(kinbot::llm::ChatResult)
Q_DECLARE_METATYPE(kinbot::llm::LlmError)
