#include "engine/tools/TaskTools.h"

#include "engine/MessageStore.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"
#include "scheduling/CronService.h"
#include "tasks/TaskService.h"
#include "util/Json.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

QJsonObject spawnProps(bool other)
{
    QJsonObject mode = prop(QStringLiteral("string"),
                            QStringLiteral("\"await\": the result comes back to you as a new message and you take a turn on it; "
                                           "\"async\": the result is only dropped in your conversation (no turn)"));
    mode.insert(QStringLiteral("enum"), QJsonArray{QStringLiteral("await"), QStringLiteral("async")});
    QJsonObject p{{QStringLiteral("title"), prop(QStringLiteral("string"), QStringLiteral("Short title of the task"))},
                  {QStringLiteral("task_description"), prop(QStringLiteral("string"), QStringLiteral("The complete mission: everything the sub-agent needs to know"))},
                  {QStringLiteral("mode"), mode},
                  {QStringLiteral("model"), prop(QStringLiteral("string"), QStringLiteral("Optional model for the task"))},
                  {QStringLiteral("provider_id"), prop(QStringLiteral("string"), QStringLiteral("Optional provider of that model"))},
                  {QStringLiteral("allow_human_prompt"), prop(QStringLiteral("boolean"), QStringLiteral("May the task ask the users with prompt_human (default true)"))},
                  {QStringLiteral("concurrency_group"), prop(QStringLiteral("string"), QStringLiteral("Optional group: tasks of a group run at most concurrency_max at a time, the others wait queued"))},
                  {QStringLiteral("concurrency_max"), prop(QStringLiteral("integer"), QStringLiteral("How many tasks of the group may run at once (default 1)"))}};
    if (other)
        p.insert(QStringLiteral("kin_slug"), prop(QStringLiteral("string"), QStringLiteral("Slug of the Kin that will do the task")));
    return p;
}

// The caller's place: its parent Kin, depth and task when spawning from inside a task.
struct Caller
{
    QString parentKinId;
    QString parentTaskId;
    int depth = 1;
    std::optional<TaskRecord> task;
};

Result<Caller> callerOf(TaskService &tasks, const ToolContext &ctx)
{
    Caller c;
    c.parentKinId = ctx.kinId;
    if (ctx.taskId.isEmpty())
        return c;
    auto t = tasks.get(ctx.taskId);
    if (!t)
        return t.error();
    c.task = t.value();
    c.parentKinId = t->parentKinId;
    c.parentTaskId = t->id;
    c.depth = t->depth + 1;
    return c;
}

// A task the caller may see or act on: it spawned it, runs it, or (inside a task) shares its parent.
Result<TaskRecord> visibleTask(TaskService &tasks, const ToolContext &ctx, const QString &taskId)
{
    auto t = tasks.get(taskId.trimmed());
    if (!t)
        return t.error();
    auto caller = callerOf(tasks, ctx);
    if (!caller)
        return caller.error();
    if (t->parentKinId != caller->parentKinId && t->sourceKinId != ctx.kinId)
        return ApiError::notFound(QStringLiteral("TASK_NOT_FOUND"), QStringLiteral("Task not found"));
    return t.value();
}

QJsonObject brief(TaskService &tasks, const TaskRecord &t, const QString &kinId)
{
    const int position = tasks.queuePosition(t);
    return {{QStringLiteral("id"), t.id},
            {QStringLiteral("title"), t.title},
            {QStringLiteral("status"), t.status},
            {QStringLiteral("mode"), t.mode},
            {QStringLiteral("relationship"), t.parentKinId == kinId ? QStringLiteral("spawned") : QStringLiteral("assigned")},
            {QStringLiteral("depth"), t.depth},
            {QStringLiteral("concurrencyGroup"), t.concurrencyGroup.isEmpty() ? QJsonValue() : QJsonValue(t.concurrencyGroup)},
            {QStringLiteral("queuePosition"), position > 0 ? QJsonValue(position) : QJsonValue()},
            {QStringLiteral("createdAt"), json::isoMs(t.createdAt)}};
}

QJsonObject fail(const ApiError &e)
{
    return error(e.message);
}

} // namespace

void registerTaskTools(ToolRegistry &registry, TaskService &tasks, KinService &kins, MessageStore &messages, CronService &crons)
{
    const auto spawn = [&tasks, &kins](bool other) {
        return [&tasks, &kins, other](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
            auto caller = callerOf(tasks, ctx);
            if (!caller)
                return done(fail(caller.error()));
            SpawnRequest r;
            r.parentKinId = caller->parentKinId;
            r.parentTaskId = caller->parentTaskId;
            r.depth = caller->depth;
            if (other) {
                const QString slug = args.value(QStringLiteral("kin_slug")).toString().trimmed();
                auto target = kins.resolve(slug);
                if (slug.isEmpty() || !target)
                    return done(error(QStringLiteral("No Kin with slug \"%1\" (use list_kins)").arg(slug)));
                r.sourceKinId = target->id;
            } else if (ctx.kinId != caller->parentKinId) {
                r.sourceKinId = ctx.kinId; // a task run by another Kin spawns a copy of that Kin
            }
            r.title = args.value(QStringLiteral("title")).toString();
            r.description = args.value(QStringLiteral("task_description")).toString();
            r.mode = args.value(QStringLiteral("mode")).toString(QStringLiteral("await"));
            r.model = args.value(QStringLiteral("model")).toString();
            r.providerId = args.value(QStringLiteral("provider_id")).toString();
            r.allowHumanPrompt = args.value(QStringLiteral("allow_human_prompt")).toBool(true);
            r.concurrencyGroup = args.value(QStringLiteral("concurrency_group")).toString();
            r.concurrencyMax = args.value(QStringLiteral("concurrency_max")).toInt(r.concurrencyGroup.isEmpty() ? 0 : 1);
            r.channelOriginId = caller->task ? caller->task->channelOriginId : ctx.channelOriginId;
            auto t = tasks.spawn(r);
            if (!t)
                return done(fail(t.error()));
            done(QJsonObject{{QStringLiteral("taskId"), t->id}, {QStringLiteral("status"), t->status}});
        };
    };

    registry.add({QStringLiteral("spawn_self"), QStringLiteral("tasks"),
                  QStringLiteral("Delegate a task to a sub-agent copy of yourself that works in the background with your tools. "
                                 "Describe the whole mission: it does not see this conversation."),
                  toolschema::object(spawnProps(false), {QStringLiteral("title"), QStringLiteral("task_description"), QStringLiteral("mode")}),
                  ToolDefinition::Both, false, false, spawn(false)});
    registry.add({QStringLiteral("spawn_kin"), QStringLiteral("tasks"),
                  QStringLiteral("Delegate a task to another Kin (by slug), which works on it in the background with its own identity and tools."),
                  toolschema::object(spawnProps(true), {QStringLiteral("kin_slug"), QStringLiteral("title"), QStringLiteral("task_description"),
                                                        QStringLiteral("mode")}),
                  ToolDefinition::Both, false, false, spawn(true)});

    registry.add({QStringLiteral("respond_to_task"), QStringLiteral("tasks"),
                  QStringLiteral("Answer a question one of your tasks asked with request_input; the task goes on with your answer."),
                  toolschema::object({{QStringLiteral("task_id"), prop(QStringLiteral("string"), QStringLiteral("The task that asked"))},
                                      {QStringLiteral("answer"), prop(QStringLiteral("string"), QStringLiteral("Your answer"))}},
                                     {QStringLiteral("task_id"), QStringLiteral("answer")}),
                  ToolDefinition::MainOnly, false, false,
                  [&tasks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto t = visibleTask(tasks, ctx, args.value(QStringLiteral("task_id")).toString());
                      if (!t)
                          return done(fail(t.error()));
                      if (Status st = tasks.respond(t->id, args.value(QStringLiteral("answer")).toString()); !st)
                          return done(fail(st.error()));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    registry.add({QStringLiteral("cancel_task"), QStringLiteral("tasks"), QStringLiteral("Cancel one of your tasks that has not finished."),
                  toolschema::object({{QStringLiteral("task_id"), prop(QStringLiteral("string"), QStringLiteral("The task to cancel"))}},
                                     {QStringLiteral("task_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [&tasks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto t = visibleTask(tasks, ctx, args.value(QStringLiteral("task_id")).toString());
                      if (!t)
                          return done(fail(t.error()));
                      if (Status st = tasks.cancel(t->id); !st)
                          return done(fail(st.error()));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    registry.add({QStringLiteral("list_tasks"), QStringLiteral("tasks"),
                  QStringLiteral("List the tasks you spawned and those assigned to you, newest first, with their status and queue position."),
                  toolschema::object({}, {}), ToolDefinition::Both, false, false,
                  [&tasks](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto caller = callerOf(tasks, ctx);
                      if (!caller)
                          return done(fail(caller.error()));
                      auto list = tasks.ofKin(caller->parentKinId, 50);
                      if (!list)
                          return done(fail(list.error()));
                      QJsonArray out;
                      for (const TaskRecord &t : list.value())
                          out.append(brief(tasks, t, caller->parentKinId));
                      done(QJsonObject{{QStringLiteral("tasks"), out}});
                  }});

    registry.add({QStringLiteral("get_task_detail"), QStringLiteral("tasks"),
                  QStringLiteral("The details of one task: status, result or error, and its latest messages."),
                  toolschema::object({{QStringLiteral("task_id"), prop(QStringLiteral("string"), QStringLiteral("The task"))}},
                                     {QStringLiteral("task_id")}),
                  ToolDefinition::Both, false, false,
                  [&tasks, &messages](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto t = visibleTask(tasks, ctx, args.value(QStringLiteral("task_id")).toString());
                      if (!t)
                          return done(fail(t.error()));
                      QJsonObject detail = tasks.detailJson(t.value());
                      detail.insert(QStringLiteral("queuePosition"), tasks.queuePosition(t.value()) > 0 ? QJsonValue(tasks.queuePosition(t.value())) : QJsonValue());
                      QJsonArray rows;
                      if (auto transcript = messages.ofTask(t->id)) {
                          const auto &all = transcript.value();
                          for (qsizetype i = qMax<qsizetype>(0, all.size() - 20); i < all.size(); ++i)
                              rows.append(QJsonObject{{QStringLiteral("role"), all[i].role},
                                                      {QStringLiteral("content"), all[i].content.left(2000)},
                                                      {QStringLiteral("createdAt"), json::isoMs(all[i].createdAt)}});
                      }
                      detail.insert(QStringLiteral("messages"), rows);
                      done(detail);
                  }});

    registry.add({QStringLiteral("list_active_queues"), QStringLiteral("tasks"),
                  QStringLiteral("The concurrency groups that have running or queued tasks: how many are active, queued, and the limit."),
                  toolschema::object({}, {}), ToolDefinition::Both, false, false,
                  [&tasks](const ToolContext &, const QJsonObject &, ToolDone done) {
                      auto groups = tasks.store().busyGroups();
                      if (!groups)
                          return done(fail(groups.error()));
                      QJsonArray out;
                      for (const QString &g : groups.value()) {
                          const auto activeCount = tasks.store().activeInGroup(g);
                          const int active = activeCount ? activeCount.value() : 0;
                          const auto queued = tasks.store().queuedOf(g);
                          int max = 1;
                          // The limit of the group: that of its oldest queued task, else of any task in it.
                          if (queued && !queued->isEmpty())
                              max = queued->first().concurrencyMax;
                          else if (auto any = tasks.store().inStatuses({taskstatus::Pending, taskstatus::InProgress, taskstatus::AwaitingHuman,
                                                                         taskstatus::AwaitingKin}))
                              for (const TaskRecord &t : any.value())
                                  if (t.concurrencyGroup == g)
                                      max = t.concurrencyMax;
                          out.append(QJsonObject{{QStringLiteral("group"), g},
                                                 {QStringLiteral("active"), active},
                                                 {QStringLiteral("queued"), queued ? int(queued->size()) : 0},
                                                 {QStringLiteral("max"), max}});
                      }
                      done(QJsonObject{{QStringLiteral("queues"), out}});
                  }});

    registry.add({QStringLiteral("get_cron_journal"), QStringLiteral("crons"),
                  QStringLiteral("The past runs of one of your crons, newest first: status, result or error, duration."),
                  toolschema::object({{QStringLiteral("cron_id"), prop(QStringLiteral("string"), QStringLiteral("The cron"))},
                                      {QStringLiteral("limit"), prop(QStringLiteral("integer"), QStringLiteral("How many runs (1-20, default 10)"))}},
                                     {QStringLiteral("cron_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [&tasks, &crons](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto cron = crons.get(args.value(QStringLiteral("cron_id")).toString().trimmed());
                      if (!cron || cron->kinId != ctx.kinId)
                          return done(error(QStringLiteral("Cron not found (use list_crons)")));
                      TaskFilter f;
                      f.cronId = cron->id;
                      f.limit = qBound(1, args.value(QStringLiteral("limit")).toInt(10), 20);
                      int total = 0;
                      auto runs = tasks.list(f, &total);
                      if (!runs)
                          return done(fail(runs.error()));
                      QJsonArray out;
                      for (const TaskRecord &t : runs.value())
                          out.append(QJsonObject{{QStringLiteral("taskId"), t.id},
                                                 {QStringLiteral("status"), t.status},
                                                 {QStringLiteral("result"), t.result.isEmpty() ? QJsonValue() : QJsonValue(t.result.left(2000))},
                                                 {QStringLiteral("error"), t.error.isEmpty() ? QJsonValue() : QJsonValue(t.error)},
                                                 {QStringLiteral("createdAt"), json::isoMs(t.createdAt)},
                                                 {QStringLiteral("durationSeconds"), t.isFinished() ? QJsonValue((t.updatedAt - t.createdAt) / 1000) : QJsonValue()}});
                      done(QJsonObject{{QStringLiteral("cronId"), cron->id}, {QStringLiteral("name"), cron->name},
                                       {QStringLiteral("total"), total}, {QStringLiteral("runs"), out}});
                  }});

    // --- inside a task ---
    registry.add({QStringLiteral("report_to_parent"), QStringLiteral("tasks"),
                  QStringLiteral("Record a progress note in this task's log (your parent reads it there; it does not interrupt them)."),
                  toolschema::object({{QStringLiteral("message"), prop(QStringLiteral("string"), QStringLiteral("The progress note"))}},
                                     {QStringLiteral("message")}),
                  ToolDefinition::SubKinOnly, false, false,
                  [&tasks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      if (ctx.taskId.isEmpty())
                          return done(error(QStringLiteral("report_to_parent is only available inside a task")));
                      if (Status st = tasks.report(ctx.taskId, args.value(QStringLiteral("message")).toString()); !st)
                          return done(fail(st.error()));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    QJsonObject status = prop(QStringLiteral("string"), QStringLiteral("in_progress, completed (with result) or failed (with error)"));
    status.insert(QStringLiteral("enum"), QJsonArray{QStringLiteral("in_progress"), QStringLiteral("completed"), QStringLiteral("failed")});
    registry.add({QStringLiteral("update_task_status"), QStringLiteral("tasks"),
                  QStringLiteral("Report the outcome of this task. MANDATORY at the end: \"completed\" with the result, or \"failed\" with the error."),
                  toolschema::object({{QStringLiteral("status"), status},
                                      {QStringLiteral("result"), prop(QStringLiteral("string"), QStringLiteral("The result (completed)"))},
                                      {QStringLiteral("error"), prop(QStringLiteral("string"), QStringLiteral("What went wrong (failed)"))}},
                                     {QStringLiteral("status")}),
                  ToolDefinition::SubKinOnly, false, false,
                  [&tasks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      if (ctx.taskId.isEmpty())
                          return done(error(QStringLiteral("update_task_status is only available inside a task")));
                      const QString st = args.value(QStringLiteral("status")).toString();
                      if (Status s = tasks.updateStatus(ctx.taskId, st, args.value(QStringLiteral("result")).toString(),
                                                        args.value(QStringLiteral("error")).toString());
                          !s)
                          return done(fail(s.error()));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("status"), st}});
                  }});

    registry.add({QStringLiteral("request_input"), QStringLiteral("tasks"),
                  QStringLiteral("Ask your parent a question you cannot decide alone (at most 3 per task). End your turn after asking: "
                                 "the answer arrives as \"[Parent response]: ...\"."),
                  toolschema::object({{QStringLiteral("question"), prop(QStringLiteral("string"), QStringLiteral("The question"))}},
                                     {QStringLiteral("question")}),
                  ToolDefinition::SubKinOnly, false, false,
                  [&tasks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      if (ctx.taskId.isEmpty())
                          return done(error(QStringLiteral("request_input is only available inside a task")));
                      auto used = tasks.requestInput(ctx.taskId, args.value(QStringLiteral("question")).toString());
                      if (!used)
                          return done(fail(used.error()));
                      done(QJsonObject{{QStringLiteral("success"), true},
                                       {QStringLiteral("requestsUsed"), used.value()},
                                       {QStringLiteral("message"), QStringLiteral("Your parent was asked. End your turn; the answer will come as a new message.")}});
                  }});
}

} // namespace kinbot
