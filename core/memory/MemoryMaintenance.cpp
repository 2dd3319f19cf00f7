#include "memory/MemoryMaintenance.h"

#include "engine/OneShotCompletion.h"
#include "kins/KinService.h"
#include "memory/MemoryService.h"
#include "memory/VectorBlob.h"
#include "memory/VectorMath.h"
#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kinbot::memory {

namespace {

constexpr qint64 kDayMs = 86400000;

struct Model
{
    QString model;
    std::shared_ptr<llm::LlmClient> client;
};

Result<Model> modelFor(ProviderService &providers, SettingsStore &settings, KinService &kins, const QString &kinId)
{
    QString model = settings.string(Setting::DefaultCompactingModel).trimmed();
    QString providerId = settings.string(Setting::DefaultCompactingProviderId);
    if (model.isEmpty() && !kinId.isEmpty()) {
        auto kin = kins.resolve(kinId);
        if (!kin)
            return kin.error();
        model = kin->model;
        providerId = kin->providerId;
    }
    if (model.isEmpty())
        return ApiError::unprocessable(QStringLiteral("NO_MODEL"), QStringLiteral("Choose a compacting model in the settings first"));
    auto llm = providers.resolveLlm(model, providerId);
    if (!llm)
        return llm.error();
    return Model{model, llm->client};
}

llm::ChatRequest requestOf(const QString &model, const QString &system, const QString &user)
{
    llm::ChatRequest r;
    r.model = model;
    r.system = system;
    llm::ChatMessage m;
    m.role = llm::ChatMessage::Role::User;
    m.content = user;
    r.messages << m;
    return r;
}

std::optional<QJsonValue> firstJson(const QString &text, QChar open, QChar close)
{
    const qsizetype start = text.indexOf(open), end = text.lastIndexOf(close);
    if (start < 0 || end <= start)
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(text.mid(start, end - start + 1).toUtf8());
    if (doc.isArray())
        return QJsonValue(doc.array());
    if (doc.isObject())
        return QJsonValue(doc.object());
    return std::nullopt;
}

// Union-find over memory indexes.
struct Clusters
{
    QList<int> parent;
    explicit Clusters(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    int find(int i) { return parent[i] == i ? i : parent[i] = find(parent[i]); }
    void join(int a, int b) { parent[find(a)] = find(b); }
};

} // namespace

MemoryMaintenance::MemoryMaintenance(MemoryService &memories, ProviderService &providers, SettingsStore &settings, KinService &kins,
                                     const Clock &clock, QObject *parent)
    : QObject(parent), m_memories(memories), m_providers(providers), m_settings(settings), m_kins(kins), m_clock(clock)
{
}

Result<MemoryMaintenance::Upkeep> MemoryMaintenance::recalibrateAndPrune(const QString &kinId)
{
    MemoryFilter f;
    f.kinId = kinId;
    f.limit = 1000000;
    auto list = m_memories.list(f);
    if (!list)
        return list.error();
    const qint64 now = m_clock.nowMs();
    Upkeep out;
    for (const MemoryRecord &m : list.value()) {
        const double ageDays = double(now - m.createdAt) / kDayMs;
        // Pruning: trivia nobody ever needed.
        if (m.retrievalCount == 0 && m.importance
            && ((*m.importance <= 1 && ageDays > 60) || (*m.importance <= 2 && ageDays > 90))) {
            if (m_memories.remove(m.id, kinId))
                ++out.pruned;
            continue;
        }
        if (!m.importance || ageDays < 7)
            continue;
        const double ratio = m.retrievalCount / (0.1 * ageDays);
        double delta = 0;
        if (ratio >= 2)
            delta = 0.5;
        else if (ratio >= 1)
            delta = 0.2;
        else if (m.retrievalCount == 0 && ageDays > 30)
            delta = -0.3;
        else if (ratio < 0.3 && ageDays > 14)
            delta = -0.2;
        const double next = std::round(qBound(1.0, *m.importance + delta, 10.0) * 10) / 10;
        if (next == *m.importance)
            continue;
        MemoryChange c;
        c.importance = next;
        if (m_memories.store().update(m.id, c)) // no event: a silent bookkeeping change
            ++out.recalibrated;
    }
    return out;
}

void MemoryMaintenance::consolidate(const QString &kinId, std::function<void(Result<int>)> done)
{
    auto model = modelFor(m_providers, m_settings, m_kins, kinId);
    if (!model)
        return done(model.error());
    // Own memories with a vector of the current space and room for another generation.
    QList<MemoryRecord> rows;
    QList<QList<float>> vectors;
    MemoryFilter f;
    f.kinId = kinId;
    f.limit = 1000000;
    auto list = m_memories.list(f);
    if (!list)
        return done(list.error());
    QHash<QString, QByteArray> blobs;
    (void)m_memories.store().forEachVector([&](const MemoryStore::VectorRow &r) {
        if (r.kinId == kinId)
            blobs.insert(r.id, r.blob);
    });
    for (const MemoryRecord &m : list.value()) {
        if (m.consolidationGeneration >= kMaxGeneration || !blobs.contains(m.id))
            continue;
        auto v = unpackVector(blobs.value(m.id));
        if (!v)
            continue;
        QList<float> unitVector = v.value();
        if (!normalize(unitVector))
            continue;
        rows << m;
        vectors << unitVector;
    }
    Clusters clusters(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i)
        for (int j = i + 1; j < rows.size(); ++j) {
            if (vectors[i].size() != vectors[j].size())
                continue;
            double dot = 0;
            for (qsizetype d = 0; d < vectors[i].size(); ++d)
                dot += double(vectors[i][d]) * vectors[j][d];
            const bool sameSubject = rows[i].subject.compare(rows[j].subject, Qt::CaseInsensitive) == 0;
            if (dot >= (sameSubject ? kConsolidationCosine : kCrossSubjectCosine))
                clusters.join(i, j);
        }
    QHash<int, QList<int>> groups;
    for (int i = 0; i < rows.size(); ++i)
        groups[clusters.find(i)] << i;
    // Chunks of at most three, most important first.
    auto jobs = std::make_shared<QList<QList<MemoryRecord>>>();
    for (QList<int> g : std::as_const(groups)) {
        if (g.size() < 2)
            continue;
        std::sort(g.begin(), g.end(), [&](int a, int b) { return rows[a].importanceOr5() > rows[b].importanceOr5(); });
        for (qsizetype at = 0; at + 1 < g.size(); at += 3) {
            QList<MemoryRecord> chunk;
            for (qsizetype k = at; k < qMin(at + 3, g.size()); ++k)
                chunk << rows[g[k]];
            if (chunk.size() >= 2)
                jobs->append(chunk);
        }
    }
    auto removed = std::make_shared<int>(0);
    auto next = std::make_shared<std::function<void()>>();
    *next = [this, kinId, model = model.value(), jobs, removed, next, done] {
        if (jobs->isEmpty()) {
            auto finished = done;
            *next = nullptr;
            return finished(*removed);
        }
        const QList<MemoryRecord> chunk = jobs->takeFirst();
        QStringList lines;
        for (const MemoryRecord &m : chunk)
            lines << QStringLiteral("- [%1] %2%3 (importance %4)").arg(m.category, m.content,
                                                                         m.subject.isEmpty() ? QString() : QStringLiteral(" (subject: %1)").arg(m.subject))
                         .arg(m.importanceOr5());
        const auto request = requestOf(
            model.model,
            QStringLiteral("You merge near-duplicate memories of an AI assistant into one. Keep every distinct fact, drop "
                           "repetition, prefer the most recent wording. Answer a JSON object only: {\"content\", \"category\": "
                           "fact|preference|decision|knowledge, \"subject\", \"importance\": 1-10}, or {\"abort\": true} when "
                           "they are not about the same thing."),
            lines.join(QLatin1Char('\n')));
        completeOnce(model.client, request, this, QStringLiteral("CONSOLIDATION_FAILED"),
                     [this, kinId, chunk, removed, next](Result<llm::ChatResult> r) {
                         const auto json = r ? firstJson(r->text, QLatin1Char('{'), QLatin1Char('}')) : std::nullopt;
                         const QJsonObject o = json ? json->toObject() : QJsonObject();
                         if (!o.value(QStringLiteral("abort")).toBool() && o.value(QStringLiteral("content")).isString()) {
                             MemoryRecord merged;
                             merged.kinId = kinId;
                             merged.content = o.value(QStringLiteral("content")).toString();
                             merged.category = o.value(QStringLiteral("category")).toString(chunk.first().category);
                             if (!MemoryRecord::isCategory(merged.category))
                                 merged.category = chunk.first().category;
                             merged.subject = o.value(QStringLiteral("subject")).toString(chunk.first().subject);
                             merged.importance = qBound(1.0, o.value(QStringLiteral("importance")).toDouble(chunk.first().importanceOr5()), 10.0);
                             merged.sourceChannel = QStringLiteral("automatic");
                             int generation = 0;
                             for (const MemoryRecord &m : chunk) {
                                 generation = qMax(generation, m.consolidationGeneration);
                                 merged.consolidatedFromIds << m.id;
                             }
                             merged.consolidationGeneration = generation + 1;
                             merged.scope = chunk.first().scope;
                             if (m_memories.create(merged))
                                 for (const MemoryRecord &m : chunk)
                                     if (m_memories.remove(m.id, kinId))
                                         ++*removed;
                         }
                         if (*next)
                             (*next)();
                     });
    };
    (*next)();
}

void MemoryMaintenance::backfillImportance(const QString &kinId, std::function<void(Result<QPair<int, int>>)> done)
{
    MemoryFilter f;
    f.kinId = kinId;
    f.limit = 1000000;
    auto list = m_memories.list(f);
    if (!list)
        return done(list.error());
    auto pending = std::make_shared<QList<MemoryRecord>>();
    for (const MemoryRecord &m : list.value())
        if (!m.importance)
            pending->append(m);
    auto counts = std::make_shared<QPair<int, int>>(0, 0);
    auto next = std::make_shared<std::function<void()>>();
    *next = [this, pending, counts, next, done] {
        if (pending->isEmpty()) {
            auto finished = done;
            *next = nullptr;
            return finished(*counts);
        }
        const QList<MemoryRecord> batch = pending->mid(0, 20);
        pending->remove(0, batch.size());
        auto model = modelFor(m_providers, m_settings, m_kins, batch.first().kinId);
        if (!model) {
            counts->second += int(batch.size());
            return (*next)();
        }
        QStringList lines;
        for (qsizetype i = 0; i < batch.size(); ++i)
            lines << QStringLiteral("[%1] [%2] %3").arg(i).arg(batch[i].category, batch[i].content);
        const auto request = requestOf(model->model,
                                       QStringLiteral("Rate how important each memory is for an assistant to remember long-term, "
                                                      "1 (trivia) to 10 (essential), mostly 3-7. Answer a JSON array of "
                                                      "{\"index\", \"importance\"} only."),
                                       lines.join(QLatin1Char('\n')));
        completeOnce(model->client, request, this, QStringLiteral("BACKFILL_FAILED"), [this, batch, counts, next](Result<llm::ChatResult> r) {
            const auto json = r ? firstJson(r->text, QLatin1Char('['), QLatin1Char(']')) : std::nullopt;
            QSet<int> done;
            if (json)
                for (const QJsonValue &v : json->toArray()) {
                    const int i = v.toObject().value(QStringLiteral("index")).toInt(-1);
                    const double imp = v.toObject().value(QStringLiteral("importance")).toDouble(0);
                    if (i < 0 || i >= batch.size() || imp < 1 || imp > 10 || done.contains(i))
                        continue;
                    MemoryChange c;
                    c.importance = std::round(imp);
                    if (m_memories.store().update(batch[i].id, c)) {
                        done.insert(i);
                        ++counts->first;
                    }
                }
            counts->second += int(batch.size() - done.size());
            if (*next)
                (*next)();
        });
    };
    (*next)();
}

void MemoryMaintenance::review(const QString &kinId, const QString &subject, const QString &scope, std::function<void(Result<QJsonObject>)> done)
{
    auto model = modelFor(m_providers, m_settings, m_kins, kinId);
    if (!model)
        return done(model.error());
    MemoryFilter f;
    f.kinId = scope == QLatin1String("shared") ? QString() : kinId;
    f.scope = scope;
    f.subject = subject;
    f.limit = 200;
    auto list = m_memories.list(f);
    if (!list)
        return done(list.error());
    if (list->isEmpty())
        return done(QJsonObject{{QStringLiteral("issues"), QJsonArray()}, {QStringLiteral("summary"), QStringLiteral("No memories to review.")}});
    QStringList lines;
    for (const MemoryRecord &m : list.value())
        lines << QStringLiteral("- id=%1 [%2] %3%4 (updated %5)").arg(m.id, m.category, m.content,
                                                                       m.subject.isEmpty() ? QString() : QStringLiteral(" (subject: %1)").arg(m.subject),
                                                                       QDateTime::fromMSecsSinceEpoch(m.updatedAt, Qt::UTC).toString(Qt::ISODate));
    const auto request = requestOf(
        model->model,
        QStringLiteral("Audit these memories of an AI assistant. Find contradictions, duplicates, stale facts and clutter. "
                       "Answer a JSON object only: {\"issues\": [{\"type\": contradiction|duplicate|stale|clutter, \"memoryIds\": [...], "
                       "\"description\", \"suggestion\": delete|merge|update, \"suggestedContent\"?}], \"summary\"}."),
        lines.join(QLatin1Char('\n')));
    completeOnce(model->client, request, this, QStringLiteral("REVIEW_FAILED"), [done](Result<llm::ChatResult> r) {
        if (!r)
            return done(r.error());
        const auto json = firstJson(r->text, QLatin1Char('{'), QLatin1Char('}'));
        if (!json || !json->toObject().value(QStringLiteral("issues")).isArray())
            return done(ApiError{ErrorKind::BadGateway, QStringLiteral("REVIEW_FAILED"), QStringLiteral("The model did not answer a review")});
        done(json->toObject());
    });
}

} // namespace kinbot::memory
