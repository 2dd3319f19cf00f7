#pragma once

#include "llm/LlmTypes.h"

#include <QList>
#include <QString>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::llm {

// A local model server to look for: a provider type ("ollama", "lmstudio") and the base URL to try.
struct LocalProbeTarget
{
    QString type;
    QString baseUrl;
};

struct LocalProviderStatus
{
    QString type;
    QString baseUrl;            // the URL that was probed (configure the provider with it)
    bool reachable = false;     // it answered its model listing
    QList<ModelInfo> models;
    QString error;              // why not, when unreachable
};

// Ollama on 11434 (GET /api/tags) and LM Studio on 1234 (GET /v1/models), on 127.0.0.1.
QList<LocalProbeTarget> defaultLocalProbeTargets();

// Probes every target at once with a short timeout and calls done once, with one status per target in target order.
// Never synchronous; done is not called when context is destroyed first.
void probeLocalProviders(QNetworkAccessManager &network, QObject *context,
                         std::function<void(QList<LocalProviderStatus>)> done,
                         const QList<LocalProbeTarget> &targets = defaultLocalProbeTargets(), int timeoutMs = 1500);

} // namespace kinbot::llm
