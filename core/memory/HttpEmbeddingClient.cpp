#include "memory/HttpEmbeddingClient.h"

#include "llm/LlmErrors.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace kinbot::memory {

namespace {

// One embed() call: its batches run one after the other. Holds copies of everything it needs, so the client may go
// away meanwhile; the network manager must outlive it (as for every client of core/llm).
struct Job
{
    QNetworkAccessManager *network = nullptr;
    HttpEmbeddingClient::Settings settings;
    EmbeddingRequest request;
    QPointer<QObject> context;
    EmbeddingClient::Callback done;
    Embeddings result;
    qsizetype offset = 0; // first text of the batch in flight
    int attempt = 0;      // retries spent on the batch in flight
};

void sendBatch(std::shared_ptr<Job> job);

void finish(const std::shared_ptr<Job> &job, Result<Embeddings> r)
{
    if (job->context)
        job->done(std::move(r));
}

int backoffMs(const Job &job, int retryAfter)
{
    const EmbeddingLimits &l = job.settings.limits;
    if (retryAfter >= 0)
        return qMin(retryAfter, l.maxBackoffMs);
    const int base = qMin(l.maxBackoffMs, l.initialBackoffMs << qMin(job.attempt, 16));
    return base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
}

void onReply(const std::shared_ptr<Job> &job, QNetworkReply *reply, bool timedOut, const QStringList &texts)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    std::optional<llm::LlmError> error;
    int retryAfter = -1;
    if (timedOut) {
        llm::LlmError e;
        e.kind = llm::LlmError::Kind::Timeout;
        e.message = QStringLiteral("The embeddings provider did not answer within %1 ms").arg(job->settings.limits.timeoutMs);
        error = e;
    } else if (status >= 300) {
        error = llm::errorFromHttp(status, reply->readAll());
        retryAfter = llm::retryAfterMs(*reply);
    } else if (status == 0 || reply->error() != QNetworkReply::NoError) {
        error = llm::errorFromNetwork(reply->error(), reply->errorString());
    }
    if (error) {
        if (llm::isRetryable(*error) && job->attempt < job->settings.limits.maxRetries && job->context) {
            const int delay = backoffMs(*job, retryAfter);
            ++job->attempt;
            QTimer::singleShot(delay, job->context.data(), [job] { sendBatch(job); });
            return;
        }
        finish(job, llm::toApiError(*error));
        return;
    }

    Result<Embeddings> batch = parseEmbeddingAnswer(job->settings.style, reply->readAll(), int(texts.size()));
    if (!batch) {
        finish(job, batch.error());
        return;
    }
    Embeddings &acc = job->result;
    if (acc.dimensions != 0 && batch->dimensions != acc.dimensions) {
        llm::LlmError e;
        e.kind = llm::LlmError::Kind::Protocol;
        e.message = QStringLiteral("Unexpected embeddings answer: batches of %1 and %2 dimensions")
                        .arg(acc.dimensions).arg(batch->dimensions);
        finish(job, llm::toApiError(e));
        return;
    }
    acc.dimensions = batch->dimensions;
    if (acc.model.isEmpty())
        acc.model = batch->model;
    acc.inputTokens += batch->inputTokens;
    acc.vectors.append(std::move(batch.value().vectors));
    job->offset += texts.size();
    job->attempt = 0;
    if (job->offset < job->request.texts.size()) {
        sendBatch(job);
        return;
    }
    if (acc.model.isEmpty())
        acc.model = job->settings.model;
    finish(job, std::move(acc));
}

void sendBatch(std::shared_ptr<Job> job)
{
    if (!job->context)
        return;
    const HttpEmbeddingClient::Settings &s = job->settings;
    const QStringList texts = job->request.texts.mid(job->offset, s.limits.maxBatch);
    const WireRequest wire =
        buildEmbeddingRequest(s.style, s.root, s.providerType, s.model, texts, job->request.purpose, job->request.dimensions);

    QNetworkRequest req{QUrl(wire.url)};
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", "application/json");
    if (!s.apiKey.isEmpty()) {
        // Gemini takes its key in a header rather than ?key=, which would put the secret into URLs and proxy logs.
        if (s.style == EmbeddingStyle::Gemini)
            req.setRawHeader("x-goog-api-key", s.apiKey.toUtf8());
        else
            req.setRawHeader("Authorization", "Bearer " + s.apiKey.toUtf8());
    }
    QNetworkReply *reply = job->network->post(req, QJsonDocument(wire.body).toJson(QJsonDocument::Compact));
    reply->setParent(job->context.data()); // the caller going away aborts the request
    auto timedOut = std::make_shared<bool>(false);
    if (s.limits.timeoutMs > 0) {
        auto *timer = new QTimer(reply);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
            *timedOut = true;
            reply->abort();
        });
        timer->start(s.limits.timeoutMs);
    }
    QObject::connect(reply, &QNetworkReply::finished, job->context.data(),
                     [job, reply, timedOut, texts] { onReply(job, reply, *timedOut, texts); }, Qt::QueuedConnection);
}

} // namespace

HttpEmbeddingClient::HttpEmbeddingClient(QNetworkAccessManager &network, Settings settings)
    : m_network(network), m_settings(std::move(settings))
{
}

void HttpEmbeddingClient::embed(const EmbeddingRequest &request, QObject *context, Callback done)
{
    auto job = std::make_shared<Job>();
    job->network = &m_network;
    job->settings = m_settings;
    job->request = request;
    job->context = context;
    job->done = std::move(done);
    for (const QString &t : request.texts) {
        if (t.trimmed().isEmpty()) {
            QTimer::singleShot(0, context, [job] { finish(job, ApiError::validation(QStringLiteral("Cannot embed an empty text"))); });
            return;
        }
    }
    if (request.texts.isEmpty()) {
        job->result.model = m_settings.model;
        QTimer::singleShot(0, context, [job] { finish(job, std::move(job->result)); });
        return;
    }
    // Started from the event loop, so that even a refused connection reports after embed() returned.
    QTimer::singleShot(0, context, [job] { sendBatch(job); });
}

} // namespace kinbot::memory
