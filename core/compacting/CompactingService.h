#pragma once

#include "compacting/CompactingStore.h"
#include "engine/Redaction.h"
#include "engine/TurnContext.h"
#include "kins/KinService.h"
#include "providers/ProviderService.h"
#include "util/Result.h"

#include <QObject>
#include <QSet>

#include <functional>

namespace kinbot {

class Clock;
class ConversationEngine;
class Database;
class EventBus;
class Logger;
class MessageStore;
class SettingsStore;
class VaultService;

// The compacting settings of one Kin: kins.compacting_config > app settings > defaults (engine.md §6).
struct CompactingConfig
{
    static constexpr const char *kKinOwnModel = "__kin_own__";
    int thresholdPercent = 75;
    int keepPercent = 40;
    int summaryBudgetPercent = 20;
    int maxSummaries = 10;
    QString model;       // the summariser; "" = the Kin's own model
    QString providerId;
};

// Compacting (engine.md §6): after a main turn that pushed the context past the Kin's threshold, the older part of
// the conversation is summarised by a model and the summary replaces those messages in later prompts (they stay
// stored). Summaries stack; when too many or too big, the oldest are merged into one (telescopic merge). The Kin's
// main queue is held while this runs. Main thread.
class CompactingService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxCycles = 5;        // automatic rounds after one turn
    static constexpr int kRetention = 50;       // summary rows kept per Kin (archived ones beyond are deleted)
    static constexpr int kOverheadTokens = 3000; // prompt + tools, when re-estimating usage from the database

    struct Deps
    {
        const Database &db;
        const Clock &clock;
        EventBus &bus;
        SettingsStore &settings;
        KinService &kins;
        ProviderService &providers;
        MessageStore &messages;
        ConversationEngine &engine;
        VaultService &vault;
        Logger &logger;
    };

    // Memory extraction at compaction (engine.md §4.2), run after the summary is saved with the (redacted) messages it
    // covers; done(extracted) must be called once.
    using ExtractionHook = std::function<void(const QString &kinId, const QList<MessageRecord> &batch, std::function<void(int extracted)> done)>;

    struct RunResult
    {
        QString summaryId;
        QString summary;
        int memoriesExtracted = 0;
        int messageCount = 0;
    };

    explicit CompactingService(Deps deps, QObject *parent = nullptr);

    // Connects to the engine: the trigger after each turn and the summaries in each main prompt.
    void attach();
    void setExtractionHook(ExtractionHook hook) { m_extract = std::move(hook); }

    CompactingConfig configFor(const KinRecord &kin) const;
    bool isCompacting(const QString &kinId) const { return m_running.contains(kinId); }

    // POST …/compacting/run: one round now → the summary / 422 NOTHING_TO_COMPACT / 409 COMPACTING_IN_PROGRESS /
    // 500 COMPACTING_FAILED. done runs on the event loop, once.
    void runNow(const KinRecord &kin, std::function<void(Result<RunResult>)> done);
    Status purge(const QString &kinId);
    Result<QList<SummaryRecord>> summaries(const QString &kinId) const { return m_store.all(kinId); }
    Result<QJsonArray> snapshots(const QString &kinId) const { return m_store.snapshots(kinId); }
    // A summary id (or a legacy snapshot id) → how many in-context summaries were archived; 404 SUMMARY_NOT_FOUND.
    Result<int> rollback(const QString &kinId, const QString &id);

    // The compacting fields of GET /kins/:id/context-usage, added to the engine's estimate.
    QJsonObject decorateUsage(const KinRecord &kin, QJsonObject usage) const;

    // "## Conversation history summaries" with one "### Summary (Mon D → Mon D, YYYY)" per summary, oldest first.
    static QString renderBlock(const QList<SummaryRecord> &active);
    // "[ISO] Sender: content" lines of the messages to summarise.
    QString transcript(const KinRecord &kin, const QList<MessageRecord> &rows) const;

Q_SIGNALS:
    // A round ended (summary saved or failed); for tests.
    void roundFinished(const QString &kinId, bool ok);

private:
    struct Plan
    {
        QList<MessageRecord> batch; // oldest first
        int kept = 0;
    };
    using Done = std::function<void(Result<RunResult>)>;

    void onMainTurnSettled(const QString &kinId);
    void autoRound(const QString &kinId, int cycle);
    void release(const QString &kinId);
    Result<Plan> plan(const QString &kinId, const CompactingConfig &cfg) const;
    void summarise(const KinRecord &kin, const CompactingConfig &cfg, const Plan &plan, Done done);
    void afterSummary(const KinRecord &kin, const CompactingConfig &cfg, const SummaryRecord &saved, int extracted, Done done);
    void merge(const KinRecord &kin, const CompactingConfig &cfg, std::function<void()> done);
    void fail(const QString &kinId, const ApiError &error, const Done &done);
    void persistRow(const QString &kinId, const QString &content, const QJsonObject &metadata);
    struct Summariser
    {
        ProviderService::Resolved llm;
        QString model;
    };
    // The compacting model (per Kin > app setting) when a provider serves it, else the Kin's own model.
    Result<Summariser> summariser(const KinRecord &kin, const CompactingConfig &cfg) const;
    TurnRedactions vaultRedactions() const;
    int estimateFromDb(const QString &kinId) const;
    bool over(int tokens, const CompactingConfig &cfg) const;
    void provide(const TurnContextRequest &request, std::function<void(TurnContextPart)> done) const;

    Deps m_d;
    CompactingStore m_store;
    ExtractionHook m_extract;
    QSet<QString> m_running;
};

} // namespace kinbot
