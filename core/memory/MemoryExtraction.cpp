#include "memory/MemoryExtraction.h"

#include "engine/OneShotCompletion.h"
#include "kins/KinService.h"
#include "memory/MemoryService.h"
#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSet>

#include <cmath>

namespace kinbot::memory {

namespace {

const QString kInstructions = QStringLiteral(
    "You maintain the long-term memory of an AI assistant. Read the conversation and decide what is worth remembering "
    "for months: identity and background of the people, lasting preferences, important life changes, habits, "
    "relationships, decisions, durable knowledge. Do NOT store one-off events, temporary states, small talk, purchases or "
    "trivia; ask yourself \"will this still be true and useful in three months?\".\n"
    "When a new fact supersedes or enriches an existing memory, update that memory (by its index) instead of adding a "
    "new one. Never repeat what the existing memories already say.\n"
    "Answer with a JSON array only (an empty array when nothing qualifies). Each element: {\"action\": \"add\" | "
    "\"update\", \"updateIndex\": <index, for update>, \"content\": <one self-contained sentence>, \"category\": \"fact\" | "
    "\"preference\" | \"decision\" | \"knowledge\", \"subject\": <who or what it is about>, \"importance\": <1-10, mostly 3-7>, "
    "\"sourceContext\": <one or two sentences of context>}.");

// The first JSON array in a reply (bare, fenced or surrounded by prose).
std::optional<QJsonArray> firstJsonArray(const QString &text)
{
    const qsizetype start = text.indexOf(QLatin1Char('['));
    const qsizetype end = text.lastIndexOf(QLatin1Char(']'));
    if (start < 0 || end <= start)
        return std::nullopt;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.mid(start, end - start + 1).toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray())
        return std::nullopt;
    return doc.array();
}

struct Candidate
{
    bool update = false;
    int updateIndex = -1;
    QString content;
    QString category;
    QString subject;
    double importance = 5;
    QString sourceContext;
};

} // namespace

std::optional<MemoryExtractor::When> MemoryExtractor::parseWhen(const QString &text)
{
    if (text == QLatin1String("off"))
        return When::Off;
    if (text == QLatin1String("turns"))
        return When::Turns;
    if (text == QLatin1String("compaction"))
        return When::Compaction;
    if (text == QLatin1String("both"))
        return When::Both;
    return std::nullopt;
}

QString MemoryExtractor::whenName(When when)
{
    switch (when) {
    case When::Off: return QStringLiteral("off");
    case When::Turns: return QStringLiteral("turns");
    case When::Compaction: return QStringLiteral("compaction");
    case When::Both: return QStringLiteral("both");
    }
    return QStringLiteral("compaction");
}

MemoryExtractor::MemoryExtractor(MemoryService &memories, ProviderService &providers, SettingsStore &settings, KinService &kins,
                                 QObject *parent)
    : QObject(parent), m_memories(memories), m_providers(providers), m_settings(settings), m_kins(kins)
{
}

MemoryExtractor::When MemoryExtractor::when() const
{
    return parseWhen(m_settings.string(Setting::MemoryExtraction)).value_or(When::Compaction);
}

void MemoryExtractor::extract(const QString &kinId, const QList<MessageRecord> &batch, std::function<void(Result<int>)> done)
{
    auto kin = m_kins.resolve(kinId);
    if (!kin)
        return done(kin.error());
    QString model = m_settings.string(Setting::ExtractionModel);
    QString providerId = m_settings.string(Setting::ExtractionProviderId);
    if (model.isEmpty()) {
        model = kin->model;
        providerId = kin->providerId;
    }
    auto llm = m_providers.resolveLlm(model, providerId);
    if (!llm)
        return done(llm.error());

    auto existing = m_memories.store().visibleTo(kinId, kMaxExisting);
    if (!existing)
        return done(existing.error());
    QStringList known;
    for (qsizetype i = 0; i < existing->size(); ++i) {
        const MemoryRecord &m = existing->at(i);
        known << QStringLiteral("[%1] [%2] %3%4").arg(i).arg(m.category, m.content,
                                                        m.subject.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m.subject));
    }
    QStringList exchanges;
    QString sourceMessageId;
    for (const MessageRecord &m : batch) {
        if ((m.role != QLatin1String("user") && m.role != QLatin1String("assistant")) || m.content.trimmed().isEmpty())
            continue;
        exchanges << QStringLiteral("[%1] %2").arg(m.role, m.content);
        sourceMessageId = m.id;
    }
    if (exchanges.isEmpty())
        return done(0);

    llm::ChatRequest request;
    request.model = model;
    request.system = kInstructions;
    llm::ChatMessage user;
    user.role = llm::ChatMessage::Role::User;
    user.content = QStringLiteral("Existing memories:\n%1\n\nConversation:\n%2")
                       .arg(known.isEmpty() ? QStringLiteral("(none)") : known.join(QLatin1Char('\n')), exchanges.join(QLatin1Char('\n')));
    request.messages << user;
    const QList<MemoryRecord> before = existing.value();
    completeOnce(llm->client, request, this, QStringLiteral("EXTRACTION_FAILED"),
                 [this, kinId, before, sourceMessageId, done](Result<llm::ChatResult> r) {
                     if (!r)
                         return done(r.error());
                     const auto array = firstJsonArray(r->text);
                     if (!array)
                         return done(ApiError{ErrorKind::BadGateway, QStringLiteral("EXTRACTION_FAILED"),
                                              QStringLiteral("The extraction model did not answer a JSON array")});
                     QList<Candidate> candidates;
                     for (const QJsonValue &v : *array) {
                         const QJsonObject o = v.toObject();
                         Candidate c;
                         c.update = o.value(QStringLiteral("action")).toString() == QLatin1String("update");
                         c.updateIndex = o.value(QStringLiteral("updateIndex")).toInt(-1);
                         c.content = o.value(QStringLiteral("content")).toString().trimmed();
                         c.category = o.value(QStringLiteral("category")).toString();
                         c.subject = o.value(QStringLiteral("subject")).toString().trimmed();
                         c.importance = qBound(1.0, std::round(o.value(QStringLiteral("importance")).toDouble(5)), 10.0);
                         c.sourceContext = o.value(QStringLiteral("sourceContext")).toString().trimmed();
                         if (!c.content.isEmpty() && MemoryRecord::isCategory(c.category))
                             candidates << c;
                     }
                     QStringList addTexts;
                     for (const Candidate &c : candidates)
                         addTexts << c.content;
                     m_memories.knownAlready(kinId, addTexts, kDuplicateCosine, this,
                                             [this, kinId, before, sourceMessageId, candidates, done](QList<bool> known) {
                                                 int count = 0;
                                                 QSet<QString> thisBatch; // the model may repeat itself within one answer
                                                 for (qsizetype i = 0; i < candidates.size(); ++i) {
                                                     const Candidate &c = candidates[i];
                                                     const QString normalized = c.content.toLower();
                                                     if (thisBatch.contains(normalized))
                                                         continue;
                                                     thisBatch.insert(normalized);
                                                     const bool valid = c.update && c.updateIndex >= 0 && c.updateIndex < before.size()
                                                                        && before[c.updateIndex].kinId == kinId;
                                                     if (valid) {
                                                         MemoryChange change;
                                                         change.content = c.content;
                                                         change.category = c.category;
                                                         if (!c.subject.isEmpty())
                                                             change.subject = c.subject;
                                                         change.importance = c.importance;
                                                         count += m_memories.update(before[c.updateIndex].id, kinId, change) ? 1 : 0;
                                                         continue;
                                                     }
                                                     if (known.value(i))
                                                         continue; // already remembered
                                                     MemoryRecord m;
                                                     m.kinId = kinId;
                                                     m.content = c.content;
                                                     m.category = c.category;
                                                     m.subject = c.subject;
                                                     m.importance = c.importance;
                                                     m.sourceContext = c.sourceContext;
                                                     m.sourceChannel = QStringLiteral("automatic");
                                                     m.sourceMessageId = sourceMessageId;
                                                     count += m_memories.create(m) ? 1 : 0;
                                                 }
                                                 Q_EMIT extracted(kinId, count);
                                                 done(count);
                                             });
                 });
}

} // namespace kinbot::memory
