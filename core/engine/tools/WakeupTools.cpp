#include "engine/tools/WakeupTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"
#include "scheduling/WakeupService.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <cmath>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

// A whole number argument: absent → nullopt in `value`, present but not a whole number → an error text.
struct IntArg
{
    std::optional<int> value;
    QString error;
};

IntArg intArg(const QJsonObject &args, const QString &key)
{
    const QJsonValue v = args.value(key);
    if (v.isUndefined() || v.isNull())
        return {};
    double d = 0;
    bool ok = false;
    if (v.isDouble()) {
        d = v.toDouble();
        ok = true;
    } else if (v.isString()) {
        d = v.toString().trimmed().toDouble(&ok);
    }
    if (!ok || !std::isfinite(d) || d != std::floor(d) || std::abs(d) > 1e9)
        return {std::nullopt, QStringLiteral("%1 must be a whole number of seconds").arg(key)};
    return {int(d), {}};
}

QString slugOf(KinService &kins, const QString &kinId)
{
    auto k = kins.resolve(kinId);
    return k ? k->slug : kinId;
}

QJsonValue isoOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(json::isoMs(ms)) : QJsonValue();
}

QString inWords(qint64 seconds)
{
    if (seconds >= 86400 && seconds % 86400 == 0)
        return QStringLiteral("%1 day(s)").arg(seconds / 86400);
    if (seconds >= 3600 && seconds % 3600 == 0)
        return QStringLiteral("%1 hour(s)").arg(seconds / 3600);
    if (seconds >= 60 && seconds % 60 == 0)
        return QStringLiteral("%1 minute(s)").arg(seconds / 60);
    return QStringLiteral("%1 second(s)").arg(seconds);
}

QJsonObject targetProp()
{
    return prop(QStringLiteral("string"), QStringLiteral("Slug of another Kin to wake instead of yourself (default: you)"));
}

} // namespace

void registerWakeupTools(ToolRegistry &registry, WakeupService &wakeups, KinService &kins, const Clock &clock)
{
    WakeupService *w = &wakeups;
    KinService *k = &kins;
    const Clock *c = &clock;

    registry.add({QStringLiteral("wake_me_in"), QStringLiteral("crons"),
                  QStringLiteral("Schedule a one-time wake-up: after the delay you (or the Kin named by target_kin_slug) receive a message "
                                 "and take a turn. Use it to come back to something later (check a result, follow up)."),
                  toolschema::object({{QStringLiteral("seconds"),
                                       prop(QStringLiteral("integer"), QStringLiteral("Delay in seconds, 10 to 2592000 (30 days)"))},
                                      {QStringLiteral("reason"), prop(QStringLiteral("string"), QStringLiteral("What to do when woken up"))},
                                      {QStringLiteral("target_kin_slug"), targetProp()}},
                                     {QStringLiteral("seconds")}),
                  ToolDefinition::MainOnly, false, false,
                  [w, k](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const IntArg seconds = intArg(args, QStringLiteral("seconds"));
                      if (!seconds.error.isEmpty())
                          return done(error(seconds.error));
                      if (!seconds.value)
                          return done(error(QStringLiteral("seconds is required")));
                      auto created = w->wakeIn(ctx.kinId, *seconds.value, args.value(QStringLiteral("reason")).toString(),
                                               args.value(QStringLiteral("target_kin_slug")).toString().trimmed());
                      if (!created)
                          return done(error(created.error().message));
                      const QString target = slugOf(*k, created->targetKinId);
                      done(QJsonObject{{QStringLiteral("wakeup_id"), created->id},
                                       {QStringLiteral("fire_at"), json::isoMs(created->fireAt)},
                                       {QStringLiteral("target"), target},
                                       {QStringLiteral("message"), QStringLiteral("Wake-up scheduled: %1 will be woken up in %2 (at %3 UTC).")
                                                                       .arg(created->targetKinId == ctx.kinId ? QStringLiteral("you") : target,
                                                                            inWords(*seconds.value), json::isoMs(created->fireAt))}});
                  }});

    registry.add({QStringLiteral("wake_me_every"), QStringLiteral("crons"),
                  QStringLiteral("Schedule a recurring wake-up: every interval you (or the Kin named by target_kin_slug) receive a message "
                                 "and take a turn, until it expires or is cancelled. For calendar schedules use a cron instead."),
                  toolschema::object({{QStringLiteral("interval_seconds"),
                                       prop(QStringLiteral("integer"), QStringLiteral("Interval in seconds, 10 to 86400 (one day)"))},
                                      {QStringLiteral("reason"), prop(QStringLiteral("string"), QStringLiteral("What to do at each wake-up"))},
                                      {QStringLiteral("expires_in_seconds"),
                                       prop(QStringLiteral("integer"),
                                            QStringLiteral("Stop after this many seconds, 60 to 2592000 (30 days); default: never"))},
                                      {QStringLiteral("target_kin_slug"), targetProp()}},
                                     {QStringLiteral("interval_seconds")}),
                  ToolDefinition::MainOnly, false, false,
                  [w, k](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const IntArg interval = intArg(args, QStringLiteral("interval_seconds"));
                      const IntArg expires = intArg(args, QStringLiteral("expires_in_seconds"));
                      for (const IntArg *a : {&interval, &expires})
                          if (!a->error.isEmpty())
                              return done(error(a->error));
                      if (!interval.value)
                          return done(error(QStringLiteral("interval_seconds is required")));
                      auto created = w->wakeEvery(ctx.kinId, *interval.value, args.value(QStringLiteral("reason")).toString(), expires.value,
                                                  args.value(QStringLiteral("target_kin_slug")).toString().trimmed());
                      if (!created)
                          return done(error(created.error().message));
                      const QString target = slugOf(*k, created->targetKinId);
                      QString message = QStringLiteral("Recurring wake-up scheduled: %1 will be woken up every %2, first at %3 UTC")
                                            .arg(created->targetKinId == ctx.kinId ? QStringLiteral("you") : target,
                                                 inWords(created->intervalSeconds), json::isoMs(created->fireAt));
                      message += created->expiresAt ? QStringLiteral(", until %1 UTC.").arg(json::isoMs(created->expiresAt))
                                                    : QStringLiteral(", until cancelled (cancel_wakeup).");
                      done(QJsonObject{{QStringLiteral("wakeup_id"), created->id},
                                       {QStringLiteral("interval_seconds"), created->intervalSeconds},
                                       {QStringLiteral("fire_at"), json::isoMs(created->fireAt)},
                                       {QStringLiteral("expires_at"), isoOrNull(created->expiresAt)},
                                       {QStringLiteral("target"), target},
                                       {QStringLiteral("message"), message}});
                  }});

    registry.add({QStringLiteral("cancel_wakeup"), QStringLiteral("crons"),
                  QStringLiteral("Cancel a pending wake-up you scheduled (one-time or recurring), by the id wake_me_in/wake_me_every or "
                                 "list_wakeups gave you."),
                  toolschema::object({{QStringLiteral("wakeup_id"), prop(QStringLiteral("string"), QStringLiteral("The wake-up to cancel"))}},
                                     {QStringLiteral("wakeup_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [w](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString id = args.value(QStringLiteral("wakeup_id")).toString().trimmed();
                      if (id.isEmpty())
                          return done(error(QStringLiteral("wakeup_id is required")));
                      if (Status st = w->cancel(ctx.kinId, id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("wakeup_id"), id}});
                  }});

    registry.add({QStringLiteral("list_wakeups"), QStringLiteral("crons"),
                  QStringLiteral("List the pending wake-ups you scheduled, soonest first."), toolschema::object({}, {}),
                  ToolDefinition::MainOnly, false, false,
                  [w, k, c](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto list = w->pending(ctx.kinId);
                      if (!list)
                          return done(error(list.error().message));
                      QJsonArray out;
                      for (const WakeupRecord &r : list.value())
                          out.append(QJsonObject{{QStringLiteral("wakeup_id"), r.id},
                                                 {QStringLiteral("target"), slugOf(*k, r.targetKinId)},
                                                 {QStringLiteral("reason"), r.reason.isEmpty() ? QJsonValue() : QJsonValue(r.reason)},
                                                 {QStringLiteral("recurring"), r.recurring()},
                                                 {QStringLiteral("fire_at"), json::isoMs(r.fireAt)},
                                                 {QStringLiteral("fires_in_seconds"), qMax<qint64>(0, (r.fireAt - c->nowMs()) / 1000)},
                                                 {QStringLiteral("interval_seconds"), r.recurring() ? QJsonValue(r.intervalSeconds) : QJsonValue()},
                                                 {QStringLiteral("expires_at"), isoOrNull(r.expiresAt)}});
                      done(QJsonObject{{QStringLiteral("wakeups"), out}, {QStringLiteral("count"), out.size()}});
                  }});
}

} // namespace kinbot
