#pragma once

#include "engine/MessageStore.h"
#include "kins/KinService.h"
#include "llm/LlmTypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>

namespace kinbot {

// Who is speaking in the current turn (engine.md §1.3 step 5).
struct Speaker
{
    QString name;      // "First Last (pseudonym)"
    QString role;      // admin | member | external | kin | system
    QString language;  // fr | en
    QString source;    // web | kin | task | cron | webhook | channel …
};

struct PromptInputs
{
    KinRecord kin;
    bool quickSession = false;
    bool isHub = false;
    QString globalPrompt;
    QList<KinRecord> otherKins; // the Kin directory
    Speaker speaker;
    QString workspaceTree;      // rendered listing of the workspace ("" = empty)
    QDateTime now;              // UTC
    QString version;
    QString dataDir;
    qint64 uptimeSeconds = 0;
    int visibleMessages = 0;
    // Filled by the memory, knowledge and compacting domains before the turn; blocks are rendered whole ("" = none).
    QString memoryBlock;     // "## Memories" … (engine.md §4.6)
    QString knowledgeBlock;  // "## Relevant knowledge" …
    QString summariesBlock;  // "## Conversation history summaries" …
    QString contactsBlock;   // "## Known contacts" …
    QString channelsBlock;   // "## External channels" …
    QString speakerNotes;    // lines under "## Current speaker"
    QString channelOriginBlock; // "## Channel origin context" …
    int compactedMessages = 0; // messages folded into summaries (shown in "## Conversation state")
    QList<QPair<QString, int>> mcpServers; // "## MCP Tools (external servers)": server name, tools offered this turn
};

// What the sub-Kin prompt of a task adds (engine.md §1.4, "Sub-Kin (task) prompt").
struct TaskPromptInputs
{
    QString description;       // the mission
    int maxRequestInput = 3;
    bool cron = false;         // a cron run: the previous runs are shown and the summary is mandatory
    QStringList previousRuns;  // "i. [ISO] status (Ns)\n   result" lines, newest first
};

// A file attached to a user message, as the prompt shows it (engine.md §1.6).
struct Attachment
{
    static constexpr int kMaxInlineChars = 100000;
    QString name;
    QString mimeType;
    QString path;      // where the Kin's file tools can read it
    qint64 size = 0;
    QByteArray data;   // images and text-like files only

    static bool isImage(const QString &mime);
    static bool isTextLike(const QString &mime);
};

// Names the history builder needs to prefix rows with their author, and the attachments of a row.
struct HistoryNames
{
    QHash<QString, QString> userPseudonyms; // user id → pseudonym
    QHash<QString, QString> kinNames;       // kin id → name
    std::function<QList<Attachment>(const MessageRecord &)> attachments;
};

struct HistoryStats
{
    int maskedToolGroups = 0;
    int observationCompactedCount = 0;
    int estimatedTokensSavedByMasking = 0;
};

// The system prompt (sections of engine.md §1.4, in that order) and the chat history of a turn.
class PromptBuilder final
{
public:
    static constexpr int kKeepLastToolGroups = 2;
    static constexpr int kObservationWindow = 10;
    static constexpr int kObservationMaxChars = 200;

    static QString systemPrompt(const PromptInputs &in);
    // The system prompt of a task's sub-Kin session: mission, constraints, the mandatory resolution, then the Kin
    // directory, language (always English), workspace and context. No contacts, memories or internal instructions.
    static QString taskPrompt(const PromptInputs &in, const TaskPromptInputs &task);

    // Stored rows (oldest first) → model messages: user rows prefixed with their author, assistant rows with tool calls
    // expanded into the call and one tool message per result; system/tool rows skipped; older tool results masked.
    static QList<llm::ChatMessage> history(const QList<MessageRecord> &rows, const HistoryNames &names, HistoryStats *stats = nullptr);

    // chars/4, the reference's estimate.
    static int estimateTokens(const QString &text) { return int((text.size() + 3) / 4); }
};

} // namespace kinbot
