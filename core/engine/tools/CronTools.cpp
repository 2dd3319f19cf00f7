#include "engine/tools/CronTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"
#include "scheduling/CronService.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

// The Kin-side view of a cron (snake_case like the tool arguments).
QJsonObject brief(const CronRecord &c, KinService &kins)
{
    QJsonObject o{{QStringLiteral("cron_id"), c.id},
                  {QStringLiteral("name"), c.name},
                  {QStringLiteral("schedule"), c.schedule},
                  {QStringLiteral("task_description"), c.taskDescription},
                  {QStringLiteral("is_active"), c.isActive},
                  {QStringLiteral("requires_approval"), c.requiresApproval},
                  {QStringLiteral("run_once"), c.runOnce},
                  {QStringLiteral("next_run_at"), c.nextRunAt ? QJsonValue(QDateTime::fromMSecsSinceEpoch(c.nextRunAt, Qt::UTC).toString(Qt::ISODate))
                                                               : QJsonValue()},
                  {QStringLiteral("last_triggered_at"), c.lastTriggeredAt ? QJsonValue(QDateTime::fromMSecsSinceEpoch(c.lastTriggeredAt, Qt::UTC).toString(Qt::ISODate))
                                                                           : QJsonValue()}};
    if (!c.targetKinId.isEmpty()) {
        auto t = kins.resolve(c.targetKinId);
        o.insert(QStringLiteral("target_kin_slug"), t ? t->slug : c.targetKinId);
    }
    return o;
}

// Copies the tool's snake_case arguments into a draft; target_kin_slug "" clears the target.
CronDraft draftOf(const QJsonObject &args)
{
    CronDraft d;
    for (auto [key, slot] : {std::pair{"name", &d.name}, std::pair{"schedule", &d.schedule}, std::pair{"task_description", &d.taskDescription},
                             std::pair{"target_kin_slug", &d.targetKinId}, std::pair{"model", &d.model}, std::pair{"provider_id", &d.providerId}}) {
        const QJsonValue v = args.value(QLatin1String(key));
        if (v.isString())
            *slot = v.toString();
    }
    for (auto [key, slot] : {std::pair{"run_once", &d.runOnce}, std::pair{"is_active", &d.isActive}}) {
        const QJsonValue v = args.value(QLatin1String(key));
        if (v.isBool())
            *slot = v.toBool();
    }
    return d;
}

// The cron, if it is the calling Kin's.
Result<CronRecord> ownCron(CronService &crons, const QString &kinId, const QJsonObject &args)
{
    const QString id = args.value(QStringLiteral("cron_id")).toString().trimmed();
    if (id.isEmpty())
        return ApiError::validation(QStringLiteral("cron_id is required"));
    auto c = crons.get(id);
    if (!c || c->kinId != kinId)
        return ApiError::notFound(QStringLiteral("CRON_NOT_FOUND"), QStringLiteral("You have no cron with id \"%1\" (list_crons)").arg(id));
    return c;
}

QJsonObject cronProps(bool withId)
{
    QJsonObject p{{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Short name"))},
                  {QStringLiteral("schedule"), prop(QStringLiteral("string"), QStringLiteral("Cron expression (5 or 6 fields, e.g. \"0 9 * * MON-FRI\") "
                                                                                             "or an ISO date-time for a one-off"))},
                  {QStringLiteral("task_description"), prop(QStringLiteral("string"), QStringLiteral("What the task does at each run"))},
                  {QStringLiteral("target_kin_slug"), prop(QStringLiteral("string"), QStringLiteral("Another Kin to run the task (default: you)"))},
                  {QStringLiteral("model"), prop(QStringLiteral("string"), QStringLiteral("Model for the task (default: the Kin's)"))},
                  {QStringLiteral("provider_id"), prop(QStringLiteral("string"), QStringLiteral("Provider of that model"))},
                  {QStringLiteral("run_once"), prop(QStringLiteral("boolean"), QStringLiteral("Deactivate after the first run"))}};
    if (withId) {
        p.insert(QStringLiteral("cron_id"), prop(QStringLiteral("string"), QStringLiteral("The cron")));
        p.insert(QStringLiteral("is_active"), prop(QStringLiteral("boolean"), QStringLiteral("Pause (false) or resume (true)")));
    }
    return p;
}

} // namespace

void registerCronTools(ToolRegistry &registry, CronService &crons, KinService &kins)
{
    CronService *cs = &crons;
    KinService *ks = &kins;

    registry.add({QStringLiteral("create_cron"), QStringLiteral("crons"),
                  QStringLiteral("Create a scheduled job that runs a task on a schedule. It stays inactive until a user approves it."),
                  toolschema::object(cronProps(false), {QStringLiteral("name"), QStringLiteral("schedule"), QStringLiteral("task_description")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      CronDraft d = draftOf(args);
                      d.kinId = ctx.kinId;
                      d.isActive.reset();
                      for (auto [v, key] : {std::pair{&d.name, "name"}, std::pair{&d.schedule, "schedule"},
                                            std::pair{&d.taskDescription, "task_description"}})
                          if (!*v)
                              return done(error(QStringLiteral("%1 is required").arg(QLatin1String(key))));
                      auto created = cs->create(d, QStringLiteral("kin"));
                      if (!created)
                          return done(error(created.error().message));
                      QJsonObject out = brief(created.value(), *ks);
                      out.insert(QStringLiteral("message"), QStringLiteral("Cron created; it waits for a user's approval before it runs."));
                      done(out);
                  }});

    registry.add({QStringLiteral("update_cron"), QStringLiteral("crons"), QStringLiteral("Change one of your crons (only the fields given). Changing what runs or when sends it back for a user's "
                                                                 "approval."),
                  toolschema::object(cronProps(true), {QStringLiteral("cron_id")}), ToolDefinition::MainOnly, false, false,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownCron(*cs, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      auto updated = cs->update(own->id, draftOf(args), QStringLiteral("kin"));
                      if (!updated)
                          return done(error(updated.error().message));
                      done(brief(updated.value(), *ks));
                  }});

    registry.add({QStringLiteral("delete_cron"), QStringLiteral("crons"), QStringLiteral("Delete one of your crons."),
                  toolschema::object({{QStringLiteral("cron_id"), prop(QStringLiteral("string"), QStringLiteral("The cron"))}},
                                     {QStringLiteral("cron_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownCron(*cs, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      if (Status st = cs->remove(own->id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    registry.add({QStringLiteral("list_crons"), QStringLiteral("crons"), QStringLiteral("List your crons with their next run."),
                  toolschema::object({}, {}), ToolDefinition::MainOnly, false, false,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto all = cs->list(ctx.kinId);
                      if (!all)
                          return done(error(all.error().message));
                      QJsonArray out;
                      for (const CronRecord &c : all.value())
                          out.append(brief(c, *ks));
                      done(QJsonObject{{QStringLiteral("crons"), out}, {QStringLiteral("count"), out.size()}});
                  }});

    registry.add({QStringLiteral("trigger_cron"), QStringLiteral("crons"), QStringLiteral("Run one of your approved crons now."),
                  toolschema::object({{QStringLiteral("cron_id"), prop(QStringLiteral("string"), QStringLiteral("The cron"))}},
                                     {QStringLiteral("cron_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownCron(*cs, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      auto task = cs->trigger(own->id);
                      if (!task)
                          return done(error(task.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("task_id"), task.value()}});
                  }});
}

} // namespace kinbot
