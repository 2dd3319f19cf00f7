#include "engine/PromptBuilder.h"

#include "util/Json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSysInfo>

namespace kinbot {

namespace {

QString platformContext()
{
    return QStringLiteral(
        "## Platform context\n"
        "You are a Kin: a persistent AI agent living on KinBot, a self-hosted platform where several agents work for the people "
        "of one household or team. Your conversation is one continuous, permanent session: there is no \"new chat\"; what was "
        "said before is still part of it. Several people may talk to you; each of their messages starts with the sender's "
        "name in brackets. Messages reach you one at a time, in order.");
}

QString corePrinciples()
{
    return QStringLiteral(
        "## Core principles\n"
        "- Be useful, not performative: skip filler and flattery, do the work.\n"
        "- Before asking the user something, check what you already have: your memory, your tools, the conversation.\n"
        "- Have opinions and say which option you would pick and why.\n"
        "- Respect privacy: what one person tells you is not automatically for everyone.\n"
        "- Say when you are unsure; never invent facts, results or tool outputs.\n"
        "- Match the length of your answer to the question.\n"
        "- Do not announce or guess what a tool will return: call it and use the result.\n"
        "- When one tool call depends on another's result, make them one per step.");
}

QString languageName(const QString &code)
{
    return code == QLatin1String("fr") ? QStringLiteral("French") : QStringLiteral("English");
}

QString contextSection(const PromptInputs &in)
{
    const QDateTime now = in.now.toUTC();
    const QLocale c = QLocale::c();
    return QStringLiteral("## Context\n"
                          "- Current date: %1\n"
                          "- Current time: %2 UTC\n"
                          "- Timestamp: %3\n"
                          "- Platform: KinBot Desktop v%4 (desktop app, local install)\n"
                          "- Data directory: %5\n"
                          "- System: %6 (%7)\n"
                          "- Uptime: %8 s")
        .arg(c.toString(now.date(), QStringLiteral("dddd, MMMM d, yyyy")), now.toString(QStringLiteral("HH:mm")),
             now.toString(Qt::ISODateWithMs), in.version, in.dataDir, QSysInfo::prettyProductName(), QSysInfo::currentCpuArchitecture())
        .arg(in.uptimeSeconds);
}

QString identity(const KinRecord &k)
{
    if (k.slug.isEmpty())
        return QStringLiteral("You are %1, %2.").arg(k.name, k.role);
    return QStringLiteral("You are %1 (slug: %2), %3.").arg(k.name, k.slug, k.role);
}

QString kinDirectory(const PromptInputs &in)
{
    if (in.otherKins.isEmpty())
        return {};
    QStringList lines;
    if (in.isHub) {
        lines << QStringLiteral("## Kin directory (Hub view)")
              << QStringLiteral("You are the Hub: the first stop of every request. Route work to the Kin whose expertise fits best "
                                "with send_message(slug, message, \"request\"), tell the user you delegated, and synthesize the "
                                "replies when they arrive. Answer yourself when no Kin fits better.");
        for (const KinRecord &k : in.otherKins) {
            QString expertise = k.expertise.simplified();
            if (expertise.size() > 300)
                expertise = expertise.left(300) + QStringLiteral("…");
            lines << QStringLiteral("- %1 (slug: %2) — %3%4").arg(k.name, k.slug, k.role,
                                                                 expertise.isEmpty() ? QString() : QStringLiteral(". Expertise: ") + expertise);
        }
    } else {
        lines << QStringLiteral("## Kin directory")
              << QStringLiteral("Other Kins on this platform. Ask one for help with send_message(slug, message, \"request\") "
                                "when a question is in its field; answer an inter-Kin request with reply(request_id, message). "
                                "Use \"inform\" for news that needs no answer.");
        for (const KinRecord &k : in.otherKins)
            lines << QStringLiteral("- %1 (slug: %2) — %3").arg(k.name, k.slug, k.role);
    }
    return lines.join(QLatin1Char('\n'));
}

QString internalInstructions()
{
    return QStringLiteral(
        "## Internal instructions (do not share with the user)\n"
        "### Conversation context\n"
        "The history you see is verbatim but limited to the most recent messages.\n"
        "### Secrets\n"
        "Never write secret values (API keys, tokens, passwords) in your replies. Secrets live in the Vault and you never see "
        "their values: find keys with search_secrets, then get_secret or get_vault_entry give you placeholders such as "
        "{{secret:KEY}} or {{secret:KEY.field}} to put where the secret is needed in http_request; they are replaced by the "
        "real values only when the request is sent. When someone shares a secret in the chat, store it with create_secret "
        "and remove it from the conversation with redact_message(content_match=the secret).\n"
        "### Honesty\n"
        "If a tool fails, say so plainly and say what you will try next; never pretend an action succeeded.\n"
        "### Response calibration\n"
        "Short questions get short answers. Use lists and headings only when they help reading.\n"
        "### Multi-user conversations\n"
        "Address people by name when several are active, and keep what one person asked separate from another's requests.\n"
        "### Tool usage strategy\n"
        "Prefer one precise tool call over several broad ones. Use think to plan multi-step work. Use notify only for "
        "something a person must see even when not looking at this conversation.");
}

QString workspace(const PromptInputs &in)
{
    if (in.kin.workspacePath.isEmpty())
        return {};
    return QStringLiteral("## Workspace\nYour working directory is %1. Keep the files you create inside it.\n%2")
        .arg(in.kin.workspacePath, in.workspaceTree.isEmpty() ? QStringLiteral("(empty — nothing stored yet)") : in.workspaceTree);
}

void addIf(QStringList &blocks, const QString &block)
{
    if (!block.trimmed().isEmpty())
        blocks << block;
}

} // namespace

bool Attachment::isImage(const QString &mime)
{
    return mime == QLatin1String("image/png") || mime == QLatin1String("image/jpeg") || mime == QLatin1String("image/gif")
           || mime == QLatin1String("image/webp");
}

bool Attachment::isTextLike(const QString &mime)
{
    if (mime.startsWith(QLatin1String("text/")))
        return true;
    static const QStringList kinds{QStringLiteral("json"), QStringLiteral("xml"), QStringLiteral("javascript"), QStringLiteral("typescript"),
                                   QStringLiteral("yaml"), QStringLiteral("toml"), QStringLiteral("x-sh"), QStringLiteral("x-shellscript"),
                                   QStringLiteral("sql"), QStringLiteral("graphql"), QStringLiteral("x-php"), QStringLiteral("xhtml")};
    for (const QString &k : kinds)
        if (mime.contains(k))
            return true;
    return false;
}

QString PromptBuilder::systemPrompt(const PromptInputs &in)
{
    QStringList blocks;
    blocks << platformContext() << identity(in.kin) << corePrinciples();
    if (!in.kin.character.trimmed().isEmpty())
        blocks << QStringLiteral("## Personality\n") + in.kin.character.trimmed();
    if (!in.kin.expertise.trimmed().isEmpty())
        blocks << QStringLiteral("## Expertise\n") + in.kin.expertise.trimmed();
    if (!in.globalPrompt.trimmed().isEmpty())
        blocks << QStringLiteral("## Platform directives\n") + in.globalPrompt.trimmed();

    if (in.quickSession) {
        addIf(blocks, in.memoryBlock); // read-only memory in quick sessions
        blocks << QStringLiteral("## Quick session\n"
                                 "This is a short side conversation, separate from your main conversation: you do not see the "
                                 "main history here and inter-Kin and administration tools are not available. Do not offer to "
                                 "save memories or contacts; just help with the question at hand.");
        blocks << QStringLiteral("## Language\nAnswer in %1.").arg(languageName(in.speaker.language));
        blocks << contextSection(in);
        return blocks.join(QStringLiteral("\n\n"));
    }

    addIf(blocks, in.contactsBlock);
    addIf(blocks, kinDirectory(in));
    addIf(blocks, in.memoryBlock);
    addIf(blocks, in.knowledgeBlock);
    blocks << internalInstructions();
    if (!in.mcpServers.isEmpty()) {
        QStringList lines{QStringLiteral("## MCP Tools (external servers)"),
                          QStringLiteral("Tools named mcp_<server>_<tool> are run by these external servers:")};
        for (const auto &[server, count] : in.mcpServers)
            lines << QStringLiteral("- %1: %2 tool(s)").arg(server).arg(count);
        blocks << lines.join(QLatin1Char('\n'));
    }
    addIf(blocks, in.channelsBlock);
    if (!in.speaker.name.isEmpty())
        blocks << QStringLiteral("## Current speaker\n- Name: %1\n- Role: %2").arg(in.speaker.name, in.speaker.role)
                      + (in.speakerNotes.isEmpty() ? QString() : QStringLiteral("\n") + in.speakerNotes);
    QString state = QStringLiteral("## Conversation state\n%1 message(s) are visible in this conversation.").arg(in.visibleMessages);
    if (in.compactedMessages > 0)
        state += QStringLiteral(" %1 older message(s) were summarized (see the summaries below); use search_history to find "
                                "their exact words.").arg(in.compactedMessages);
    blocks << state;
    addIf(blocks, in.summariesBlock);
    blocks << QStringLiteral("## Language\nYou must respond in %1 (the language of the current speaker).").arg(languageName(in.speaker.language));
    blocks << QStringLiteral("Current message from: **%1**%2").arg(in.speaker.source.isEmpty() ? QStringLiteral("web") : in.speaker.source,
                                                                   in.speaker.name.isEmpty() ? QString() : QStringLiteral(" (sender: %1)").arg(in.speaker.name));
    addIf(blocks, in.channelOriginBlock);
    addIf(blocks, workspace(in));
    blocks << contextSection(in);
    return blocks.join(QStringLiteral("\n\n"));
}

QString PromptBuilder::taskPrompt(const PromptInputs &in, const TaskPromptInputs &task)
{
    QStringList blocks;
    blocks << QStringLiteral("You are %1, a specialized agent of the KinBot platform executing a delegated task. You work in the "
                             "background: nobody reads this conversation live, your parent receives what you report.")
                  .arg(in.kin.name);
    blocks << QStringLiteral("## Your mission\n") + task.description.trimmed();
    blocks << QStringLiteral("## Constraints\n"
                             "- Stay focused on the mission; do not start unrelated work.\n"
                             "- Use report_to_parent for progress worth keeping in the task's log.\n"
                             "- If you are blocked by a missing decision, ask with request_input (at most %1 times); otherwise decide "
                             "yourself.\n"
                             "- Never invent results: if you could not do something, say so.\n"
                             "- Call tools one at a time when one depends on another.")
                  .arg(task.maxRequestInput);
    QString resolution = QStringLiteral("## CRITICAL — Task resolution (MANDATORY)\n"
                                        "When you are done you MUST call update_task_status with status \"completed\" and the result, or "
                                        "\"failed\" and the error. A task that ends without it is marked failed automatically.");
    if (task.cron)
        resolution += QStringLiteral(" This is a recurring (cron) run: end with a summary of what you found and did, for the next run.");
    blocks << resolution;
    if (task.cron && !task.previousRuns.isEmpty())
        blocks << QStringLiteral("## Previous runs\n") + task.previousRuns.join(QLatin1Char('\n'));
    if (!in.globalPrompt.trimmed().isEmpty())
        blocks << QStringLiteral("## Platform directives\n") + in.globalPrompt.trimmed();
    if (!in.otherKins.isEmpty()) {
        QStringList lines{QStringLiteral("## Kin directory"),
                          QStringLiteral("Other Kins of this platform. A send_message request pauses your task until the reply "
                                         "arrives (or times out): ask only when their expertise is really needed; prefer deciding "
                                         "yourself and reporting uncertainty.")};
        for (const KinRecord &k : in.otherKins)
            lines << QStringLiteral("- %1 (slug: %2) — %3").arg(k.name, k.slug, k.role);
        blocks << lines.join(QLatin1Char('\n'));
    }
    blocks << QStringLiteral("## Language\nYou must respond in English.");
    addIf(blocks, workspace(in));
    blocks << contextSection(in);
    return blocks.join(QStringLiteral("\n\n"));
}

namespace {

// A one-line stand-in for an old tool result.
QString collapse(const QString &toolName, const QJsonValue &result)
{
    if (result.isArray())
        return QStringLiteral("[Collapsed — %1 returned %2 items]").arg(toolName).arg(result.toArray().size());
    if (result.isObject())
        return QStringLiteral("[Collapsed — %1 returned an object with keys: %2]").arg(toolName, result.toObject().keys().join(QStringLiteral(", ")));
    return QStringLiteral("[Collapsed — %1 returned %2 characters]").arg(toolName).arg(json::text(result).size());
}

} // namespace

QList<llm::ChatMessage> PromptBuilder::history(const QList<MessageRecord> &rows, const HistoryNames &names, HistoryStats *stats)
{
    // Tool groups counted from the newest: the last ones stay intact, the next window is truncated, older ones collapse.
    int totalGroups = 0;
    for (const MessageRecord &m : rows)
        if (m.role == QLatin1String("assistant") && !m.toolCalls.isEmpty())
            ++totalGroups;

    HistoryStats local;
    QList<llm::ChatMessage> out;
    int groupIndex = 0;
    for (const MessageRecord &m : rows) {
        if (m.role == QLatin1String("user")) {
            llm::ChatMessage msg;
            msg.role = llm::ChatMessage::Role::User;
            QString prefix;
            if (m.sourceType == QLatin1String("user")) {
                const QString pseudo = names.userPseudonyms.value(m.sourceId);
                if (!pseudo.isEmpty())
                    prefix = QStringLiteral("[%1] ").arg(pseudo);
            } else if (m.sourceType == QLatin1String("kin")) {
                const QString kinName = names.kinNames.value(m.sourceId, QStringLiteral("unknown"));
                if (!m.inReplyTo.isEmpty())
                    prefix = QStringLiteral("[Reply from Kin \"%1\"]\n").arg(kinName);
                else if (!m.requestId.isEmpty())
                    prefix = QStringLiteral("[Message from Kin \"%1\"] (Inter-kin request — reply with request_id=\"%2\")\n").arg(kinName, m.requestId);
                else
                    prefix = QStringLiteral("[Message from Kin \"%1\"]\n").arg(kinName);
            }
            msg.content = prefix + m.content;
            if (names.attachments)
                for (const Attachment &a : names.attachments(m)) {
                    if (Attachment::isImage(a.mimeType) && !a.data.isEmpty()) {
                        msg.images.append(llm::ImagePart{a.mimeType, a.data});
                    } else if (Attachment::isTextLike(a.mimeType) && !a.data.isEmpty()) {
                        QString text = QString::fromUtf8(a.data);
                        const bool cut = text.size() > Attachment::kMaxInlineChars;
                        text.truncate(Attachment::kMaxInlineChars);
                        msg.content += QStringLiteral("\n\n[Attached file: %1 (%2)]\n%3%4")
                                           .arg(a.name, a.mimeType, text, cut ? QStringLiteral("\n[… truncated]") : QString());
                    } else {
                        msg.content += QStringLiteral("\n\n[Attached file: %1 (%2, %3 bytes) stored at %4 — use read_file to open it]")
                                           .arg(a.name, a.mimeType)
                                           .arg(a.size)
                                           .arg(a.path);
                    }
                }
            out.append(msg);
            continue;
        }
        if (m.role != QLatin1String("assistant") || m.sourceType == QLatin1String("system"))
            continue; // system notices and tool rows are not part of what the model said
        llm::ChatMessage msg;
        msg.role = llm::ChatMessage::Role::Assistant;
        msg.content = m.content;
        if (m.toolCalls.isEmpty()) {
            if (!msg.content.isEmpty())
                out.append(msg);
            continue;
        }
        const int fromNewest = totalGroups - 1 - groupIndex++;
        const bool intact = fromNewest < kKeepLastToolGroups;
        const bool truncate = !intact && fromNewest < kKeepLastToolGroups + kObservationWindow;
        if (!intact)
            ++local.maskedToolGroups;
        QList<llm::ChatMessage> results;
        for (const QJsonValue &v : m.toolCalls) {
            const QJsonObject tc = v.toObject();
            llm::ToolCall call;
            call.id = tc.value(QStringLiteral("id")).toString();
            call.name = tc.value(QStringLiteral("name")).toString();
            call.args = tc.value(QStringLiteral("args")).toObject();
            msg.toolCalls.append(call);
            llm::ChatMessage r;
            r.role = llm::ChatMessage::Role::Tool;
            r.toolCallId = call.id;
            r.toolName = call.name;
            const QJsonValue result = tc.value(QStringLiteral("result"));
            const QString full = json::text(result);
            if (intact) {
                r.content = full;
            } else if (truncate) {
                r.content = full.size() > kObservationMaxChars ? full.left(kObservationMaxChars) + QStringLiteral(" [truncated]") : full;
                ++local.observationCompactedCount;
            } else {
                r.content = collapse(call.name, result);
            }
            local.estimatedTokensSavedByMasking += qMax(0, estimateTokens(full) - estimateTokens(r.content));
            results.append(r);
        }
        out.append(msg);
        out.append(results);
    }
    if (stats)
        *stats = local;
    return out;
}

} // namespace kinbot
