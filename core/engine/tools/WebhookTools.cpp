#include "engine/tools/WebhookTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "webhooks/PayloadPaths.h"
#include "webhooks/WebhookService.h"

#include <QDateTime>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

QString isoOrEmpty(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

// The Kin-side view of a webhook (snake_case like the tool arguments); never the token.
QJsonObject brief(const WebhookRecord &w, const WebhookService &webhooks)
{
    QJsonObject o{{QStringLiteral("webhook_id"), w.id},
                  {QStringLiteral("name"), w.name},
                  {QStringLiteral("description"), w.description},
                  {QStringLiteral("url"), webhooks.urlOf(w.id)},
                  {QStringLiteral("is_active"), w.isActive},
                  {QStringLiteral("dispatch_mode"), w.dispatchMode},
                  {QStringLiteral("trigger_count"), w.triggerCount},
                  {QStringLiteral("last_triggered_at"), w.lastTriggeredAt ? QJsonValue(isoOrEmpty(w.lastTriggeredAt)) : QJsonValue()},
                  {QStringLiteral("filter_mode"), w.filter.mode == WebhookFilterMode::None ? QStringLiteral("none") : filterModeName(w.filter.mode)}};
    if (w.filter.mode == WebhookFilterMode::Simple) {
        o.insert(QStringLiteral("filter_field"), w.filter.field);
        o.insert(QStringLiteral("filter_allowed_values"), QJsonArray::fromStringList(w.filter.allowedValues));
    } else if (w.filter.mode == WebhookFilterMode::Advanced) {
        o.insert(QStringLiteral("filter_expression"), w.filter.expression);
    }
    if (w.taskMode()) {
        o.insert(QStringLiteral("task_title_template"), w.taskTitleTemplate);
        o.insert(QStringLiteral("task_prompt_template"), w.taskPromptTemplate);
        o.insert(QStringLiteral("max_concurrent_tasks"), w.maxConcurrentTasks);
    }
    return o;
}

// The tool's snake_case arguments into a draft; a wrong type is an error naming the argument.
Result<WebhookDraft> draftOf(const QJsonObject &args)
{
    WebhookDraft d;
    for (auto [key, slot] : {std::pair{"name", &d.name}, std::pair{"description", &d.description},
                             std::pair{"dispatch_mode", &d.dispatchMode}, std::pair{"task_title_template", &d.taskTitleTemplate},
                             std::pair{"task_prompt_template", &d.taskPromptTemplate}, std::pair{"filter_field", &d.filterField},
                             std::pair{"filter_expression", &d.filterExpression}}) {
        const QJsonValue v = args.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isString())
            return ApiError::validation(QStringLiteral("%1 must be a string").arg(QLatin1String(key)));
        *slot = v.toString();
    }
    if (const QJsonValue v = args.value(QStringLiteral("is_active")); v.isBool())
        d.isActive = v.toBool();
    if (const QJsonValue v = args.value(QStringLiteral("max_concurrent_tasks")); !v.isUndefined() && !v.isNull()) {
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() != double(qint64(v.toDouble())))
            return ApiError::validation(QStringLiteral("max_concurrent_tasks must be a non-negative integer (0 = unlimited)"));
        d.maxConcurrentTasks = int(v.toDouble());
    }
    if (const QJsonValue v = args.value(QStringLiteral("filter_mode")); v.isString()) {
        const QString name = v.toString();
        const auto mode = name == QLatin1String("none") ? std::optional(WebhookFilterMode::None) : filterModeFromName(name);
        if (!mode || name.isEmpty())
            return ApiError::validation(QStringLiteral("filter_mode must be \"none\", \"simple\" or \"advanced\""));
        d.filterMode = *mode;
    }
    if (const QJsonValue v = args.value(QStringLiteral("filter_allowed_values")); v.isArray()) {
        QStringList values;
        for (const QJsonValue &item : v.toArray())
            values.append(payload::jsString(item)); // a number or true given for "42" or "true"
        d.filterAllowedValues = values;
    }
    return d;
}

// The webhook, if it is the calling Kin's.
Result<WebhookRecord> ownWebhook(const WebhookService &webhooks, const QString &kinId, const QJsonObject &args)
{
    const QString id = args.value(QStringLiteral("webhook_id")).toString().trimmed();
    if (id.isEmpty())
        return ApiError::validation(QStringLiteral("webhook_id is required"));
    auto w = webhooks.get(id);
    if (!w || w->kinId != kinId)
        return ApiError::notFound(QStringLiteral("WEBHOOK_NOT_FOUND"), QStringLiteral("You have no webhook with id \"%1\" (list_webhooks)").arg(id));
    return w;
}

QJsonObject webhookProps(bool withId)
{
    QJsonObject values = prop(QStringLiteral("array"), QStringLiteral("simple filter: the values allowed at filter_field (case-insensitive)"));
    values.insert(QStringLiteral("items"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}});
    QJsonObject p{
        {QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Short name (shown in the message: [Webhook: <name>])"))},
        {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("What calls it and why"))},
        {QStringLiteral("dispatch_mode"), prop(QStringLiteral("string"), QStringLiteral("\"conversation\" (default): each payload arrives as a message "
                                                                                        "to you; \"task\": each payload starts a task"))},
        {QStringLiteral("task_title_template"), prop(QStringLiteral("string"), QStringLiteral("task mode: the task's title; {{a.b}} inserts a JSON "
                                                                                              "field of the payload, {{__payload__}} all of it"))},
        {QStringLiteral("task_prompt_template"), prop(QStringLiteral("string"), QStringLiteral("task mode: the task's instructions (same placeholders; "
                                                                                               "default: the raw payload)"))},
        {QStringLiteral("max_concurrent_tasks"), prop(QStringLiteral("integer"), QStringLiteral("task mode: tasks running at once (default 1, 0 = unlimited)"))},
        {QStringLiteral("filter_mode"), prop(QStringLiteral("string"), QStringLiteral("\"none\", \"simple\" (a JSON field must have one of the allowed values) "
                                                                                      "or \"advanced\" (a regular expression must match the raw body)"))},
        {QStringLiteral("filter_field"), prop(QStringLiteral("string"), QStringLiteral("simple filter: dot path of the JSON field, e.g. \"action\" or \"issue.state\""))},
        {QStringLiteral("filter_allowed_values"), values},
        {QStringLiteral("filter_expression"), prop(QStringLiteral("string"), QStringLiteral("advanced filter: regular expression, at most 500 characters"))}};
    if (withId) {
        p.insert(QStringLiteral("webhook_id"), prop(QStringLiteral("string"), QStringLiteral("The webhook")));
        p.insert(QStringLiteral("is_active"), prop(QStringLiteral("boolean"), QStringLiteral("Pause (false) or resume (true)")));
    }
    return p;
}

} // namespace

void registerWebhookTools(ToolRegistry &registry, WebhookService &webhooks)
{
    WebhookService *ws = &webhooks;

    registry.add({QStringLiteral("create_webhook"), QStringLiteral("webhooks"),
                  QStringLiteral("Create a webhook: a URL an outside service can POST to so its payloads reach you. The answer holds the URL and "
                                 "the secret token (sent as \"Authorization: Bearer <token>\" or ?token=); the token is shown only this once."),
                  toolschema::object(webhookProps(false), {QStringLiteral("name")}), ToolDefinition::MainOnly, false, false,
                  [ws](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto d = draftOf(args);
                      if (!d)
                          return done(error(d.error().message));
                      d.value().kinId = ctx.kinId;
                      if (!d->name)
                          return done(error(QStringLiteral("name is required")));
                      auto created = ws->create(d.value(), QStringLiteral("kin"));
                      if (!created)
                          return done(error(created.error().message));
                      QJsonObject out = brief(created->webhook, *ws);
                      out.insert(QStringLiteral("token"), created->token);
                      out.insert(QStringLiteral("message"), QStringLiteral("Webhook created. The token is shown only once: pass it on now."));
                      done(out);
                  }});

    registry.add({QStringLiteral("update_webhook"), QStringLiteral("webhooks"), QStringLiteral("Change one of your webhooks (only the fields given)."),
                  toolschema::object(webhookProps(true), {QStringLiteral("webhook_id")}), ToolDefinition::MainOnly, false, false,
                  [ws](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownWebhook(*ws, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      auto d = draftOf(args);
                      if (!d)
                          return done(error(d.error().message));
                      auto updated = ws->update(own->id, d.value());
                      if (!updated)
                          return done(error(updated.error().message));
                      done(brief(updated.value(), *ws));
                  }});

    registry.add({QStringLiteral("delete_webhook"), QStringLiteral("webhooks"), QStringLiteral("Delete one of your webhooks; its URL stops working."),
                  toolschema::object({{QStringLiteral("webhook_id"), prop(QStringLiteral("string"), QStringLiteral("The webhook"))}},
                                     {QStringLiteral("webhook_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [ws](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownWebhook(*ws, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      if (Status st = ws->remove(own->id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    registry.add({QStringLiteral("list_webhooks"), QStringLiteral("webhooks"), QStringLiteral("List your webhooks (URLs, filters, how often they fired)."),
                  toolschema::object({}, {}), ToolDefinition::MainOnly, false, false,
                  [ws](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto all = ws->list(ctx.kinId);
                      if (!all)
                          return done(error(all.error().message));
                      QJsonArray out;
                      for (const WebhookRecord &w : all.value())
                          out.append(brief(w, *ws));
                      done(QJsonObject{{QStringLiteral("webhooks"), out}, {QStringLiteral("count"), out.size()}});
                  }});
}

} // namespace kinbot
