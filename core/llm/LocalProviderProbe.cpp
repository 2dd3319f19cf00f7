#include "llm/LocalProviderProbe.h"

#include "llm/LlmClient.h"

#include <QPointer>
#include <QTimer>

#include <memory>

namespace kinbot::llm {

QList<LocalProbeTarget> defaultLocalProbeTargets()
{
    // 127.0.0.1 rather than localhost: both servers bind IPv4 loopback by default, and "localhost" may try ::1 first.
    return {{QStringLiteral("ollama"), QStringLiteral("http://127.0.0.1:11434")},
            {QStringLiteral("lmstudio"), QStringLiteral("http://127.0.0.1:1234/v1")}};
}

void probeLocalProviders(QNetworkAccessManager &network, QObject *context,
                         std::function<void(QList<LocalProviderStatus>)> done, const QList<LocalProbeTarget> &targets,
                         int timeoutMs)
{
    struct State
    {
        QList<LocalProviderStatus> statuses;
        std::vector<std::unique_ptr<LlmClient>> clients; // alive until every listing answered
        int pending = 0;
        std::function<void(QList<LocalProviderStatus>)> done;
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    state->pending = int(targets.size());

    ClientLimits limits;
    limits.maxRetries = 0;
    limits.firstByteTimeoutMs = timeoutMs;
    limits.idleTimeoutMs = timeoutMs;

    for (int i = 0; i < targets.size(); ++i) {
        const LocalProbeTarget &t = targets.at(i);
        LocalProviderStatus status;
        status.type = t.type;
        status.baseUrl = t.baseUrl;
        state->statuses.append(status);
        std::unique_ptr<LlmClient> client = makeClient(network, {t.type, QString(), t.baseUrl}, limits);
        if (!client) {
            state->statuses[i].error = QStringLiteral("Unknown provider type: %1").arg(t.type);
            --state->pending;
            continue;
        }
        client->listModels(context, [state, i](Result<QList<ModelInfo>> r) {
            LocalProviderStatus &s = state->statuses[i];
            if (r) {
                s.reachable = true;
                s.models = r.value();
            } else {
                s.error = r.error().message;
            }
            if (--state->pending == 0)
                state->done(state->statuses);
        });
        state->clients.push_back(std::move(client));
    }
    if (state->pending == 0) // nothing to wait for: still answer from the event loop
        QTimer::singleShot(0, context, [state] { state->done(state->statuses); });
}

} // namespace kinbot::llm
