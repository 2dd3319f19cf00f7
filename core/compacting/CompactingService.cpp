#include "compacting/CompactingService.h"

#include "engine/ConversationEngine.h"
#include "engine/MessageStore.h"
#include "engine/OneShotCompletion.h"
#include "engine/PromptBuilder.h"
#include "events/EventBus.h"
#include "log/Logger.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Json.h"
#include "vault/VaultService.h"

#include <QLocale>

namespace kinbot {

static const QString kModule = QStringLiteral("compacting");

namespace {

const QString kSummariserPrompt = QStringLiteral(
    "You condense an older part of a long conversation between people and an AI assistant called %1, so that the "
    "assistant can carry on without the original messages, which will no longer be shown to it.\n\n"
    "Write a faithful, structured summary in the language of the conversation, with exactly these four sections:\n"
    "## Key facts & decisions\n"
    "## Completed work\n"
    "## Open threads (critical)\n"
    "## Conversation dynamics\n\n"
    "Rules:\n"
    "- Say who said or decided what, with the names used in the messages.\n"
    "- Keep concrete details: names, numbers, dates, paths, identifiers, commitments.\n"
    "- Open threads are what must not be lost: unanswered questions, pending tasks, promises made, things to follow up.\n"
    "- Invent nothing. A section with nothing to report says \"None\".\n"
    "- Placeholders such as {{secret:NAME}} or [REDACTED] stand for secrets: keep them as they are, never guess values.\n"
    "- Answer with the summary only.");

const QString kMergePrompt = QStringLiteral(
    "You merge consecutive summaries of one conversation (oldest first) into a single summary. Drop redundancy, close "
    "the threads that later summaries show as resolved, keep what is still open, and be more concise than the inputs "
    "together. Keep the four sections (## Key facts & decisions, ## Completed work, ## Open threads (critical), "
    "## Conversation dynamics), keep attribution and concrete details, invent nothing, keep placeholders such as "
    "{{secret:NAME}} or [REDACTED] as they are. Answer with the merged summary only.");

int intFrom(const QJsonObject &o, const char *key, int fallback, int lo, int hi)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble())
        return fallback;
    return qBound(lo, int(v.toDouble()), hi);
}

QString rangeLabel(qint64 firstMs, qint64 lastMs)
{
    const QLocale c = QLocale::c();
    const QDateTime a = QDateTime::fromMSecsSinceEpoch(firstMs, Qt::UTC);
    const QDateTime b = QDateTime::fromMSecsSinceEpoch(lastMs, Qt::UTC);
    // The reference always prints one year (the last); a range across New Year names both.
    if (a.date().year() != b.date().year())
        return c.toString(a, QStringLiteral("MMM d, yyyy")) + QStringLiteral(" → ") + c.toString(b, QStringLiteral("MMM d, yyyy"));
    return c.toString(a, QStringLiteral("MMM d")) + QStringLiteral(" → ") + c.toString(b, QStringLiteral("MMM d, yyyy"));
}

int rowTokens(const MessageRecord &m)
{
    int t = PromptBuilder::estimateTokens(m.content);
    if (!m.toolCalls.isEmpty())
        t += PromptBuilder::estimateTokens(QString::fromUtf8(json::compact(m.toolCalls)));
    return t;
}

} // namespace

CompactingService::CompactingService(Deps deps, QObject *parent)
    : QObject(parent), m_d(deps), m_store(deps.db, deps.clock)
{
}

void CompactingService::attach()
{
    // Direct: the engine schedules the Kin's next item right after this signal; pausing here holds it.
    connect(&m_d.engine, &ConversationEngine::mainTurnSettled, this, &CompactingService::onMainTurnSettled, Qt::DirectConnection);
    m_d.engine.addContextProvider([this](const TurnContextRequest &request, QObject *, std::function<void(TurnContextPart)> done) {
        provide(request, std::move(done));
    });
    connect(&m_d.kins, &KinService::kinRemoved, this, [this](const QString &kinId) { m_running.remove(kinId); });
}

CompactingConfig CompactingService::configFor(const KinRecord &kin) const
{
    CompactingConfig c;
    const QJsonObject &k = kin.compactingConfig;
    c.thresholdPercent = intFrom(k, "thresholdPercent", qBound(1, m_d.settings.integer(Setting::CompactingThresholdPercent), 100), 1, 100);
    c.keepPercent = intFrom(k, "keepPercent", c.keepPercent, 0, 100);
    c.summaryBudgetPercent = intFrom(k, "summaryBudgetPercent", c.summaryBudgetPercent, 1, 100);
    c.maxSummaries = intFrom(k, "maxSummaries", c.maxSummaries, 1, 1000);
    const QString own = k.value(QStringLiteral("compactingModel")).toString().trimmed();
    if (own == QLatin1String(CompactingConfig::kKinOwnModel)) {
        // the Kin's model: left empty
    } else if (!own.isEmpty()) {
        c.model = own;
        c.providerId = k.value(QStringLiteral("compactingProviderId")).toString();
    } else if (const QString def = m_d.settings.string(Setting::DefaultCompactingModel).trimmed(); !def.isEmpty()) {
        c.model = def;
        c.providerId = m_d.settings.string(Setting::DefaultCompactingProviderId);
    }
    return c;
}

bool CompactingService::over(int tokens, const CompactingConfig &cfg) const
{
    const int window = m_d.engine.contextWindow();
    return window > 0 && qint64(tokens) * 100 > qint64(cfg.thresholdPercent) * window;
}

int CompactingService::estimateFromDb(const QString &kinId) const
{
    qint64 tokens = kOverheadTokens;
    if (auto rows = m_store.uncompacted(kinId, m_d.messages))
        for (const MessageRecord &m : rows.value())
            tokens += rowTokens(m);
    if (auto active = m_store.active(kinId))
        for (const SummaryRecord &s : active.value())
            tokens += s.tokenEstimate;
    return int(qMin<qint64>(tokens, std::numeric_limits<int>::max()));
}

// --- the automatic trigger ---

void CompactingService::onMainTurnSettled(const QString &kinId)
{
    if (m_running.contains(kinId))
        return;
    auto kin = m_d.kins.resolve(kinId);
    if (!kin)
        return;
    const int tokens = m_d.engine.contextUsage(kinId).value(QStringLiteral("contextTokens")).toInt();
    if (!over(tokens, configFor(kin.value())))
        return;
    m_running.insert(kinId);
    m_d.engine.pauseMain(kinId);
    autoRound(kinId, 1);
}

void CompactingService::autoRound(const QString &kinId, int cycle)
{
    auto kin = m_d.kins.resolve(kinId);
    if (!kin)
        return release(kinId);
    const CompactingConfig cfg = configFor(kin.value());
    auto p = plan(kinId, cfg);
    // Fixed quirk: the reference announces compacting:start before finding out there is nothing to summarise (no
    // done/error follows, and up to five such starts repeat). Here a round is only announced when it has work, and
    // the rounds stop at the first one without.
    if (!p || p->batch.size() < 2)
        return release(kinId);
    m_d.bus.toKin(kinId, QStringLiteral("compacting:start"), {{QStringLiteral("cycle"), cycle}, {QStringLiteral("estimatedTotal"), kMaxCycles}});
    summarise(kin.value(), cfg, p.value(), [this, kinId, cycle](Result<RunResult> r) {
        if (!r || cycle >= kMaxCycles)
            return release(kinId);
        auto k = m_d.kins.resolve(kinId);
        if (!k || !over(estimateFromDb(kinId), configFor(k.value())))
            return release(kinId);
        autoRound(kinId, cycle + 1);
    });
}

void CompactingService::release(const QString &kinId)
{
    if (m_running.remove(kinId))
        m_d.engine.resumeMain(kinId);
}

// --- forced run, purge, rollback ---

void CompactingService::runNow(const KinRecord &kin, std::function<void(Result<RunResult>)> done)
{
    const QString kinId = kin.id;
    auto answer = [this, done](Result<RunResult> r) {
        QMetaObject::invokeMethod(this, [done, r] { done(r); }, Qt::QueuedConnection);
    };
    if (m_running.contains(kinId))
        return answer(ApiError::conflict(QStringLiteral("COMPACTING_IN_PROGRESS"), QStringLiteral("This Kin is already being compacted")));
    m_running.insert(kinId);
    m_d.engine.pauseMain(kinId);
    m_d.bus.toKin(kinId, QStringLiteral("compacting:start"), {{QStringLiteral("cycle"), 1}, {QStringLiteral("estimatedTotal"), 1}});
    const CompactingConfig cfg = configFor(kin);
    auto p = plan(kinId, cfg);
    if (!p) {
        release(kinId);
        return fail(kinId, ApiError{ErrorKind::Internal, QStringLiteral("COMPACTING_FAILED"), p.error().message}, answer);
    }
    if (p->batch.size() < 2) {
        // As the reference: a visible row, compacting:error (so the start is closed), 422.
        persistRow(kinId, QStringLiteral("Nothing to compact: the recent messages all fit in the kept part of the conversation."),
                   {{QStringLiteral("error"), QStringLiteral("NOTHING_TO_COMPACT")}});
        m_d.bus.toKin(kinId, QStringLiteral("compacting:error"), {{QStringLiteral("error"), QStringLiteral("NOTHING_TO_COMPACT")}});
        release(kinId);
        Q_EMIT roundFinished(kinId, false);
        return answer(ApiError::unprocessable(QStringLiteral("NOTHING_TO_COMPACT"), QStringLiteral("Not enough messages to compact")));
    }
    summarise(kin, cfg, p.value(), [this, kinId, answer](Result<RunResult> r) {
        release(kinId);
        answer(r);
    });
}

Status CompactingService::purge(const QString &kinId)
{
    auto n = m_store.purge(kinId);
    return n ? Status() : Status(n.error());
}

Result<int> CompactingService::rollback(const QString &kinId, const QString &id)
{
    auto r = m_store.rollback(kinId, id);
    if (!r)
        return r.error();
    if (r.value())
        return *r.value();
    auto snap = m_store.activateSnapshot(kinId, id);
    if (!snap)
        return snap.error();
    if (snap.value())
        return *snap.value();
    return ApiError::notFound(QStringLiteral("SUMMARY_NOT_FOUND"), QStringLiteral("No such summary for this Kin"));
}

// --- one round ---

Result<CompactingService::Plan> CompactingService::plan(const QString &kinId, const CompactingConfig &cfg) const
{
    auto rows = m_store.uncompacted(kinId, m_d.messages);
    if (!rows)
        return rows.error();
    const QList<MessageRecord> &all = rows.value();
    const qint64 window = m_d.engine.contextWindow();
    const qint64 keepBudget = qint64(cfg.keepPercent) * window / 100;
    // The keep-window: the newest messages whose tokens add up to at most keepPercent of the window.
    qsizetype split = all.size();
    qint64 kept = 0;
    while (split > 0 && kept + rowTokens(all[split - 1]) <= keepBudget) {
        kept += rowTokens(all[split - 1]);
        --split;
    }
    Plan p;
    p.kept = int(all.size() - split);
    // Unlike the reference (everything older in one request), a round summarises at most half a window of messages, so
    // the summariser's own request fits; the rest is left to the next round.
    const qint64 batchBudget = qMax<qint64>(window / 2, 1);
    qint64 taken = 0;
    for (qsizetype i = 0; i < split; ++i) {
        const int t = rowTokens(all[i]);
        if (p.batch.size() >= 2 && taken + t > batchBudget)
            break;
        p.batch.append(all[i]);
        taken += t;
    }
    return p;
}

Result<CompactingService::Summariser> CompactingService::summariser(const KinRecord &kin, const CompactingConfig &cfg) const
{
    if (!cfg.model.isEmpty()) {
        auto r = m_d.providers.resolveLlm(cfg.model, cfg.providerId);
        if (r)
            return Summariser{r.value(), cfg.model};
        m_d.logger.warn(kModule, QStringLiteral("The compacting model is unavailable; using the Kin's model"),
                        {{QStringLiteral("kinId"), kin.id}, {QStringLiteral("model"), cfg.model}});
    }
    auto r = m_d.providers.resolveLlm(kin.model, kin.providerId);
    if (!r)
        return r.error();
    return Summariser{r.value(), kin.model};
}

TurnRedactions CompactingService::vaultRedactions() const
{
    // Vault values become their placeholders, so a summary can still name the secret it cannot show.
    TurnRedactions r;
    auto entries = m_d.vault.listEntries();
    if (!entries)
        return r;
    for (const VaultEntryRecord &e : entries.value()) {
        auto v = m_d.vault.entryValue(e.id);
        if (!v)
            continue;
        if (v->value.isString()) {
            r.add(v->value.toString(), VaultService::placeholder(e.key));
        } else if (v->value.isObject()) {
            const QJsonObject o = v->value.toObject();
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (it.value().isString())
                    r.add(it.value().toString(), VaultService::placeholder(e.key + QLatin1Char('.') + it.key()));
                else
                    r.addLeaves(it.value());
            }
        }
    }
    return r;
}

QString CompactingService::transcript(const KinRecord &kin, const QList<MessageRecord> &rows) const
{
    QHash<QString, QString> names;
    auto nameOf = [&](const MessageRecord &m) -> QString {
        if (m.role == QLatin1String("assistant"))
            return m.sourceType == QLatin1String("kin") ? kin.name : QStringLiteral("System");
        if (m.sourceType == QLatin1String("user")) {
            if (!names.contains(m.sourceId)) {
                auto row = m_d.db.selectOne(QStringLiteral("SELECT pseudonym FROM user_profiles WHERE user_id = ?"), {m.sourceId});
                const QString p = row && row.value() ? row.value()->at(0).toString() : QString();
                names.insert(m.sourceId, p.isEmpty() ? QStringLiteral("User") : p);
            }
            return names.value(m.sourceId);
        }
        if (m.sourceType == QLatin1String("kin")) {
            const QString key = QStringLiteral("kin:") + m.sourceId;
            if (!names.contains(key)) {
                auto k = m_d.kins.resolve(m.sourceId);
                names.insert(key, k ? QStringLiteral("Kin %1").arg(k->name) : QStringLiteral("Another Kin"));
            }
            return names.value(key);
        }
        if (m.sourceType.isEmpty())
            return QStringLiteral("User");
        QString t = m.sourceType;
        t[0] = t[0].toUpper();
        return t; // Task, Cron, Webhook, Channel, System…
    };
    QStringList lines;
    for (const MessageRecord &m : rows) {
        QString line = QStringLiteral("[%1] %2: %3").arg(json::isoMs(m.createdAt), nameOf(m), m.content);
        if (!m.toolCalls.isEmpty()) {
            QStringList tools;
            for (const QJsonValue &c : m.toolCalls)
                tools << c.toObject().value(QStringLiteral("name")).toString();
            line += QStringLiteral(" [called tools: %1]").arg(tools.join(QStringLiteral(", ")));
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

void CompactingService::summarise(const KinRecord &kin, const CompactingConfig &cfg, const Plan &plan, Done done)
{
    const QString kinId = kin.id;
    auto llm = summariser(kin, cfg);
    if (!llm)
        return fail(kinId, ApiError{ErrorKind::Internal, QStringLiteral("COMPACTING_FAILED"), llm.error().message}, done);

    // Nothing leaves for the summariser (nor for memory extraction) with a vault value in it.
    const TurnRedactions redactions = vaultRedactions();
    QList<MessageRecord> batch = plan.batch;
    for (MessageRecord &m : batch) {
        m.content = redactions.apply(m.content);
        m.toolCalls = redactions.apply(QJsonValue(m.toolCalls)).toArray();
    }

    llm::ChatRequest req;
    req.model = llm->model;
    req.system = kSummariserPrompt.arg(kin.name);
    llm::ChatMessage user;
    user.content = QStringLiteral("Conversation excerpt (%1 messages):\n\n").arg(batch.size()) + transcript(kin, batch);
    req.messages = {user};
    req.temperature = 0.2;

    completeOnce(llm->llm.client, req, this, QStringLiteral("COMPACTING_FAILED"),
                 [this, kin, cfg, batch, redactions, done](Result<llm::ChatResult> r) {
        if (!r)
            return fail(kin.id, ApiError{ErrorKind::Internal, QStringLiteral("COMPACTING_FAILED"), r.error().message}, done);
        const QString text = redactions.apply(r->text.trimmed());
        if (text.isEmpty())
            return fail(kin.id, ApiError{ErrorKind::Internal, QStringLiteral("COMPACTING_FAILED"), QStringLiteral("The model returned an empty summary")},
                        done);
        SummaryRecord s;
        s.kinId = kin.id;
        s.summary = text;
        s.firstMessageAt = batch.first().createdAt;
        s.firstMessageId = batch.first().id;
        s.lastMessageAt = batch.last().createdAt;
        s.lastMessageId = batch.last().id;
        s.messageCount = int(batch.size());
        s.tokenEstimate = PromptBuilder::estimateTokens(text);
        s.depth = 0;
        s.isInContext = true;
        auto saved = m_store.insert(s);
        if (!saved)
            return fail(kin.id, ApiError{ErrorKind::Internal, QStringLiteral("COMPACTING_FAILED"), saved.error().message}, done);
        if (!m_extract)
            return afterSummary(kin, cfg, saved.value(), 0, done);
        auto once = std::make_shared<bool>(false);
        QPointer<CompactingService> self(this);
        m_extract(kin.id, batch, [self, once, kin, cfg, summary = saved.value(), done](int extracted) {
            if (*once || !self)
                return;
            *once = true;
            // Whatever thread or stack the hook answers from, go on from the event loop.
            QMetaObject::invokeMethod(self, [self, kin, cfg, summary, extracted, done] {
                self->afterSummary(kin, cfg, summary, qMax(0, extracted), done);
            }, Qt::QueuedConnection);
        });
    });
}

void CompactingService::afterSummary(const KinRecord &kin, const CompactingConfig &cfg, const SummaryRecord &saved, int extracted, Done done)
{
    // The visible trace in the conversation (never sent to the model: history skips compacting rows).
    persistRow(kin.id, saved.summary,
               {{QStringLiteral("summaryId"), saved.id},
                {QStringLiteral("messageCount"), saved.messageCount},
                {QStringLiteral("memoriesExtracted"), extracted},
                {QStringLiteral("firstMessageAt"), saved.firstMessageAt},
                {QStringLiteral("lastMessageAt"), saved.lastMessageAt}});
    m_d.bus.toKin(kin.id, QStringLiteral("compacting:done"),
                  {{QStringLiteral("summary"), saved.summary},
                   {QStringLiteral("memoriesExtracted"), extracted},
                   {QStringLiteral("summaryId"), saved.id},
                   {QStringLiteral("messageCount"), saved.messageCount}});
    RunResult result{saved.id, saved.summary, extracted, saved.messageCount};
    merge(kin, cfg, [this, kinId = kin.id, result, done] {
        if (Status st = m_store.retain(kinId, kRetention); !st)
            m_d.logger.warn(kModule, QStringLiteral("Summary retention failed"), {{QStringLiteral("error"), st.error().message}});
        Q_EMIT roundFinished(kinId, true);
        done(result);
    });
}

void CompactingService::merge(const KinRecord &kin, const CompactingConfig &cfg, std::function<void()> done)
{
    auto active = m_store.active(kin.id);
    if (!active)
        return done();
    const QList<SummaryRecord> &all = active.value();
    qint64 total = 0;
    for (const SummaryRecord &s : all)
        total += s.tokenEstimate;
    const qint64 budget = qint64(cfg.summaryBudgetPercent) * m_d.engine.contextWindow() / 100;
    if (all.size() <= 2 || (all.size() <= cfg.maxSummaries && total <= budget))
        return done();
    const QList<SummaryRecord> oldest = all.mid(0, qMax<qsizetype>(2, all.size() / 2));

    auto llm = summariser(kin, cfg);
    if (!llm) {
        m_d.logger.warn(kModule, QStringLiteral("Summary merge skipped: no model"), {{QStringLiteral("kinId"), kin.id}});
        return done();
    }
    const TurnRedactions redactions = vaultRedactions();
    QStringList parts;
    for (const SummaryRecord &s : oldest)
        parts << QStringLiteral("### Summary (%1)\n%2").arg(rangeLabel(s.firstMessageAt, s.lastMessageAt), redactions.apply(s.summary));
    llm::ChatRequest req;
    req.model = llm->model;
    req.system = kMergePrompt;
    llm::ChatMessage user;
    user.content = parts.join(QStringLiteral("\n\n"));
    req.messages = {user};
    req.temperature = 0.2;
    completeOnce(llm->llm.client, req, this, QStringLiteral("COMPACTING_FAILED"), [this, kin, oldest, redactions, done](Result<llm::ChatResult> r) {
        const QString text = r ? redactions.apply(r->text.trimmed()) : QString();
        if (text.isEmpty()) {
            // The summaries stay as they are; the next round tries again.
            m_d.logger.warn(kModule, QStringLiteral("Summary merge failed"),
                            {{QStringLiteral("kinId"), kin.id}, {QStringLiteral("error"), r ? QStringLiteral("empty answer") : r.error().message}});
            return done();
        }
        SummaryRecord m;
        m.kinId = kin.id;
        m.summary = text;
        m.firstMessageAt = oldest.first().firstMessageAt;
        m.firstMessageId = oldest.first().firstMessageId;
        m.lastMessageAt = oldest.last().lastMessageAt;
        m.lastMessageId = oldest.last().lastMessageId;
        m.tokenEstimate = PromptBuilder::estimateTokens(text);
        m.isInContext = true;
        for (const SummaryRecord &s : oldest) {
            m.messageCount += s.messageCount;
            m.depth = qMax(m.depth, s.depth + 1);
            m.sourceSummaryIds << s.id;
        }
        if (auto saved = m_store.insertMerged(m); !saved)
            m_d.logger.error(kModule, QStringLiteral("Could not store a merged summary"), {{QStringLiteral("error"), saved.error().message}});
        done();
    });
}

void CompactingService::fail(const QString &kinId, const ApiError &error, const Done &done)
{
    m_d.logger.warn(kModule, QStringLiteral("Compacting failed"), {{QStringLiteral("kinId"), kinId}, {QStringLiteral("error"), error.message}});
    persistRow(kinId, QStringLiteral("Compacting failed: ") + error.message, {{QStringLiteral("error"), error.message}});
    m_d.bus.toKin(kinId, QStringLiteral("compacting:error"), {{QStringLiteral("error"), error.message}});
    Q_EMIT roundFinished(kinId, false);
    done(error);
}

void CompactingService::persistRow(const QString &kinId, const QString &content, const QJsonObject &metadata)
{
    MessageRecord row;
    row.kinId = kinId;
    row.role = QStringLiteral("system");
    row.sourceType = QStringLiteral("compacting");
    row.content = content;
    row.metadata = metadata;
    if (auto st = m_d.messages.insert(row); !st)
        m_d.logger.error(kModule, QStringLiteral("Could not store the compacting row"), {{QStringLiteral("error"), st.error().message}});
}

// --- prompt and usage ---

QString CompactingService::renderBlock(const QList<SummaryRecord> &active)
{
    if (active.isEmpty())
        return {};
    QStringList out{QStringLiteral("## Conversation history summaries\n"
                                   "Older parts of this conversation were condensed into the summaries below (oldest first); the "
                                   "messages they cover are no longer shown, but they are still stored.")};
    for (const SummaryRecord &s : active)
        out << QStringLiteral("### Summary (%1)%2\n%3")
                   .arg(rangeLabel(s.firstMessageAt, s.lastMessageAt), s.depth > 0 ? QStringLiteral(" [compressed]") : QString(), s.summary);
    return out.join(QStringLiteral("\n\n"));
}

void CompactingService::provide(const TurnContextRequest &request, std::function<void(TurnContextPart)> done) const
{
    TurnContextPart part;
    if (!request.quick && request.sessionId.isEmpty()) {
        if (auto active = m_store.active(request.kinId); active && !active->isEmpty()) {
            part.summariesBlock = renderBlock(active.value());
            if (auto n = m_store.compactedCount(request.kinId))
                part.compactedMessages = n.value();
        }
    }
    done(part);
}

QJsonObject CompactingService::decorateUsage(const KinRecord &kin, QJsonObject usage) const
{
    const CompactingConfig cfg = configFor(kin);
    const int window = m_d.engine.contextWindow();
    int summaryTokens = 0, count = 0;
    if (auto active = m_store.active(kin.id)) {
        count = int(active->size());
        for (const SummaryRecord &s : active.value())
            summaryTokens += s.tokenEstimate;
    }
    if (usage.value(QStringLiteral("contextBreakdown")).isObject()) {
        QJsonObject b = usage.value(QStringLiteral("contextBreakdown")).toObject();
        b.insert(QStringLiteral("summary"), summaryTokens);
        usage.insert(QStringLiteral("contextBreakdown"), b);
    } else {
        // No turn yet (a rough estimate): the summaries will be in the prompt too.
        const int tokens = usage.value(QStringLiteral("contextTokens")).toInt() + summaryTokens;
        usage.insert(QStringLiteral("contextTokens"), tokens);
        usage.insert(QStringLiteral("contextWindow"), window);
        usage.insert(QStringLiteral("compactingPercent"), window > 0 ? int(qint64(tokens) * 100 / window) : 0);
    }
    usage.insert(QStringLiteral("compactingThresholdPercent"), cfg.thresholdPercent);
    usage.insert(QStringLiteral("summaryCount"), count);
    usage.insert(QStringLiteral("maxSummaries"), cfg.maxSummaries);
    usage.insert(QStringLiteral("summaryTokens"), summaryTokens);
    usage.insert(QStringLiteral("summaryBudgetTokens"), int(qint64(cfg.summaryBudgetPercent) * window / 100));
    usage.insert(QStringLiteral("keepPercent"), cfg.keepPercent);
    return usage;
}

} // namespace kinbot
