#include "engine/tools/PromptTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "prompts/PromptService.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

void registerPromptTools(ToolRegistry &registry, PromptService &prompts)
{
    QJsonObject option{{QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("properties"),
                        QJsonObject{{QStringLiteral("label"), prop(QStringLiteral("string"), QStringLiteral("What the user sees"))},
                                    {QStringLiteral("value"), prop(QStringLiteral("string"), QStringLiteral("What you get back (unique)"))},
                                    {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("Optional detail"))},
                                    {QStringLiteral("variant"),
                                     QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                 {QStringLiteral("enum"), QJsonArray{QStringLiteral("default"), QStringLiteral("success"),
                                                                                    QStringLiteral("warning"), QStringLiteral("destructive"),
                                                                                    QStringLiteral("primary")}}}}}},
                       {QStringLiteral("required"), QJsonArray{QStringLiteral("label"), QStringLiteral("value")}}};
    QJsonObject promptType{{QStringLiteral("type"), QStringLiteral("string")},
                           {QStringLiteral("enum"), QJsonArray{QStringLiteral("confirm"), QStringLiteral("select"), QStringLiteral("multi_select")}},
                           {QStringLiteral("description"), QStringLiteral("confirm: a yes/no style choice; select: one option; multi_select: several")}};
    QJsonObject options{{QStringLiteral("type"), QStringLiteral("array")},
                        {QStringLiteral("items"), option},
                        {QStringLiteral("minItems"), PromptService::kMinOptions},
                        {QStringLiteral("maxItems"), PromptService::kMaxOptions},
                        {QStringLiteral("description"), QStringLiteral("2 to 10 choices")}};

    registry.add({QStringLiteral("prompt_human"), QStringLiteral("tasks"),
                  QStringLiteral("Ask the users a question with predefined answers (confirmation, one choice or several) and wait for it: "
                                 "the answer arrives later as a new message \"[Human response to ...]\". One prompt per turn; end your "
                                 "turn after asking."),
                  toolschema::object({{QStringLiteral("prompt_type"), promptType},
                                      {QStringLiteral("question"), prop(QStringLiteral("string"), QStringLiteral("The question, at most 500 characters"))},
                                      {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("Optional context, at most 1000 characters"))},
                                      {QStringLiteral("options"), options}},
                                     {QStringLiteral("prompt_type"), QStringLiteral("question"), QStringLiteral("options")}),
                  ToolDefinition::Both, false, false,
                  [&prompts](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      // From a task: refused in cron tasks and tasks with allow_human_prompt = 0; the task waits (PromptService.h).
                      PromptService::Ask a;
                      a.kinId = ctx.kinId;
                      a.taskId = ctx.taskId;
                      a.messageId = ctx.messageId;
                      a.promptType = args.value(QStringLiteral("prompt_type")).toString();
                      a.question = args.value(QStringLiteral("question")).toString();
                      a.description = args.value(QStringLiteral("description")).toString();
                      a.options = args.value(QStringLiteral("options")).toArray();
                      auto asked = prompts.ask(a);
                      if (!asked)
                          return done(error(asked.error().message));
                      done(QJsonObject{{QStringLiteral("promptId"), asked->id},
                                       {QStringLiteral("status"), QStringLiteral("pending")},
                                       {QStringLiteral("message"), QStringLiteral("The question was sent to the users. Their answer will arrive "
                                                                                  "as a new message; end your turn now.")}});
                  }});
}

} // namespace kinbot
