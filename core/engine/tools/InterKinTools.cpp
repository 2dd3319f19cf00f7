#include "engine/tools/InterKinTools.h"

#include "engine/ConversationEngine.h"
#include "engine/MessageStore.h"
#include "engine/QueueStore.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "events/EventBus.h"
#include "kins/KinService.h"
#include "storage/Database.h"
#include "util/Ids.h"
#include "util/RateLimiter.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

static constexpr int kMaxInterKinMessage = 32000;

void registerInterKinTools(ToolRegistry &registry, const InterKinToolDeps &deps)
{
    auto limiter = std::make_shared<RateLimiter>(deps.clock, deps.ratePerMinute, 60 * 1000);

    QJsonObject typeProp = prop(QStringLiteral("string"),
                                QStringLiteral("\"request\" expects an answer (the other Kin replies with reply(request_id, ...)); "
                                               "\"inform\" just drops the message in its conversation"));
    typeProp.insert(QStringLiteral("enum"), QJsonArray{QStringLiteral("request"), QStringLiteral("inform")});

    registry.add({QStringLiteral("send_message"), QStringLiteral("inter-kin"),
                  QStringLiteral("Send a message to another Kin of this platform, by slug: a request (it will answer) or an inform."),
                  toolschema::object({{QStringLiteral("slug"), prop(QStringLiteral("string"), QStringLiteral("The other Kin's slug"))},
                                      {QStringLiteral("message"), prop(QStringLiteral("string"), QStringLiteral("What to say"))},
                                      {QStringLiteral("type"), typeProp}},
                                     {QStringLiteral("slug"), QStringLiteral("message"), QStringLiteral("type")}),
                  ToolDefinition::Both, false, false,
                  [deps, limiter](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString slug = args.value(QStringLiteral("slug")).toString().trimmed();
                      const QString message = args.value(QStringLiteral("message")).toString();
                      const QString type = args.value(QStringLiteral("type")).toString(QStringLiteral("request"));
                      if (message.trimmed().isEmpty() || message.size() > kMaxInterKinMessage)
                          return done(error(QStringLiteral("message is required (at most %1 characters)").arg(kMaxInterKinMessage)));
                      if (type != QLatin1String("request") && type != QLatin1String("inform"))
                          return done(error(QStringLiteral("type must be \"request\" or \"inform\"")));
                      auto target = deps.kins.resolve(slug);
                      if (slug.isEmpty() || !target)
                          return done(error(QStringLiteral("No Kin with slug \"%1\" (use list_kins)").arg(slug)));
                      if (target->id == ctx.kinId)
                          return done(error(QStringLiteral("A Kin cannot send a message to itself")));
                      const QString pair = ctx.kinId + QLatin1Char('>') + target->id;
                      if (limiter->limited(pair))
                          return done(error(QStringLiteral("Rate limit: at most %1 messages per minute to %2; retry in %3 s")
                                                .arg(deps.ratePerMinute)
                                                .arg(target->slug)
                                                .arg((limiter->retryAfterMs(pair) + 999) / 1000)));
                      // From a task, a request suspends it (3 at most per task).
                      const bool fromTask = !ctx.taskId.isEmpty() && type == QLatin1String("request") && deps.taskHooks->admit;
                      if (fromTask)
                          if (Status st = deps.taskHooks->admit(ctx.taskId); !st)
                              return done(error(st.error().message));
                      limiter->record(pair);

                      if (type == QLatin1String("inform")) {
                          MessageRecord row;
                          row.kinId = target->id;
                          row.role = QStringLiteral("user");
                          row.content = message;
                          row.sourceType = QStringLiteral("kin");
                          row.sourceId = ctx.kinId;
                          auto stored = deps.messages.insert(row);
                          if (!stored)
                              return done(error(stored.error().message));
                          auto sender = deps.kins.resolve(ctx.kinId);
                          deps.bus.toKin(target->id, QStringLiteral("chat:message"),
                                         {{QStringLiteral("id"), stored->id},
                                          {QStringLiteral("role"), QStringLiteral("user")},
                                          {QStringLiteral("content"), message},
                                          {QStringLiteral("sourceType"), QStringLiteral("kin")},
                                          {QStringLiteral("sourceId"), ctx.kinId},
                                          {QStringLiteral("sourceName"), sender ? sender->name : QString()},
                                          {QStringLiteral("createdAt"), stored->createdAt}});
                          return done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("requestId"), QJsonValue()}});
                      }
                      QueueItem item;
                      item.kinId = target->id;
                      item.messageType = QStringLiteral("kin_request");
                      item.content = message;
                      item.sourceType = QStringLiteral("kin");
                      item.sourceId = ctx.kinId;
                      item.priority = QueueStore::kPriorityKin;
                      item.requestId = ids::uuid();
                      item.taskId = ctx.taskId;
                      item.channelOriginId = ctx.channelOriginId; // the reply's turn answers that chat too
                      auto queued = deps.engine.enqueue(item);
                      if (!queued)
                          return done(error(queued.error().message));
                      if (fromTask && deps.taskHooks->sent) {
                          deps.taskHooks->sent(ctx.taskId, item.requestId, target->name);
                          return done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("requestId"), item.requestId},
                                                  {QStringLiteral("message"), QStringLiteral("Your task waits for the reply (or 5 minutes); end your turn.")}});
                      }
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("requestId"), item.requestId}});
                  }});

    registry.add({QStringLiteral("reply"), QStringLiteral("inter-kin"),
                  QStringLiteral("Answer an inter-Kin request you received, with the request_id given in that message."),
                  toolschema::object({{QStringLiteral("request_id"), prop(QStringLiteral("string"), QStringLiteral("The request_id to answer"))},
                                      {QStringLiteral("message"), prop(QStringLiteral("string"), QStringLiteral("Your answer"))}},
                                     {QStringLiteral("request_id"), QStringLiteral("message")}),
                  ToolDefinition::Both, false, false,
                  [deps](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString requestId = args.value(QStringLiteral("request_id")).toString().trimmed();
                      const QString message = args.value(QStringLiteral("message")).toString();
                      if (message.trimmed().isEmpty() || message.size() > kMaxInterKinMessage)
                          return done(error(QStringLiteral("message is required (at most %1 characters)").arg(kMaxInterKinMessage)));
                      // Only the Kin the request was addressed to may answer it.
                      auto origin = deps.db.selectOne(QStringLiteral("SELECT source_id, channel_origin_id FROM queue_items "
                                                                     "WHERE request_id = ? AND kin_id = ? AND message_type = 'kin_request' LIMIT 1"),
                                                      {requestId, ctx.kinId});
                      if (!origin)
                          return done(error(origin.error().message));
                      if (requestId.isEmpty() || !origin.value())
                          return done(error(QStringLiteral("Unknown request_id \"%1\": nothing to reply to").arg(requestId)));
                      // A task waiting for this request gets the answer in its session, instead of a kin_reply turn.
                      if (deps.taskHooks->replied && deps.taskHooks->replied(requestId, ctx.kinId, message))
                          return done(QJsonObject{{QStringLiteral("success"), true}});
                      const QString senderId = origin.value()->at(0).toString();
                      if (!deps.kins.resolve(senderId))
                          return done(error(QStringLiteral("The Kin that sent this request no longer exists")));
                      QueueItem item;
                      item.kinId = senderId;
                      item.messageType = QStringLiteral("kin_reply");
                      item.content = message;
                      item.sourceType = QStringLiteral("kin");
                      item.sourceId = ctx.kinId;
                      item.priority = QueueStore::kPriorityKin;
                      item.inReplyTo = requestId;
                      item.channelOriginId = origin.value()->at(1).toString();
                      auto queued = deps.engine.enqueue(item);
                      if (!queued)
                          return done(error(queued.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});
}

} // namespace kinbot
