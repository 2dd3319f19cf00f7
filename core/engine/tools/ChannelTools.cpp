#include "engine/tools/ChannelTools.h"

#include "channels/ChannelService.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

QJsonObject brief(const ChannelRecord &c)
{
    return {{QStringLiteral("channel_id"), c.id},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("platform"), c.platform},
            {QStringLiteral("status"), c.status},
            {QStringLiteral("status_message"), c.statusMessage},
            {QStringLiteral("messages_received"), c.messagesReceived},
            {QStringLiteral("messages_sent"), c.messagesSent}};
}

// The channel, if it is the calling Kin's.
Result<ChannelRecord> ownChannel(const ChannelService &channels, const QString &kinId, const QJsonObject &args)
{
    const QString id = args.value(QStringLiteral("channel_id")).toString().trimmed();
    if (id.isEmpty())
        return ApiError::validation(QStringLiteral("channel_id is required"));
    auto c = channels.get(id);
    if (!c || c->kinId != kinId)
        return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("You have no channel with id \"%1\" (list_channels)").arg(id));
    return c;
}

QJsonObject idOnly()
{
    return toolschema::object({{QStringLiteral("channel_id"), prop(QStringLiteral("string"), QStringLiteral("The channel"))}},
                              {QStringLiteral("channel_id")});
}

} // namespace

void registerChannelTools(ToolRegistry &registry, ChannelService &channels)
{
    ChannelService *cs = &channels;

    registry.add({QStringLiteral("list_channels"), QStringLiteral("channels"),
                  QStringLiteral("List your channels (Telegram, Slack…): the outside platforms people reach you through."),
                  toolschema::object({}, {}), ToolDefinition::MainOnly, false, false,
                  [cs](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto all = cs->list(ctx.kinId);
                      if (!all)
                          return done(error(all.error().message));
                      QJsonArray out;
                      for (const ChannelRecord &c : all.value())
                          out.append(brief(c));
                      done(QJsonObject{{QStringLiteral("channels"), out}, {QStringLiteral("count"), out.size()}});
                  }});

    registry.add({QStringLiteral("send_channel_message"), QStringLiteral("channels"),
                  QStringLiteral("Send a message to a chat of one of your active channels, on your own initiative. Replies to messages that "
                                 "came through a channel are sent back by themselves: do not use this for them."),
                  toolschema::object({{QStringLiteral("channel_id"), prop(QStringLiteral("string"), QStringLiteral("The channel"))},
                                      {QStringLiteral("chat_id"), prop(QStringLiteral("string"), QStringLiteral("The platform's chat id (Telegram chat id, Slack channel id)"))},
                                      {QStringLiteral("message"), prop(QStringLiteral("string"), QStringLiteral("The text to send"))}},
                                     {QStringLiteral("channel_id"), QStringLiteral("chat_id"), QStringLiteral("message")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto c = ownChannel(*cs, ctx.kinId, args);
                      if (!c)
                          return done(error(c.error().message));
                      const QJsonValue chat = args.value(QStringLiteral("chat_id"));
                      const QString chatId = chat.isDouble() ? QString::number(qint64(chat.toDouble())) : chat.toString();
                      cs->sendMessage(c->id, chatId, args.value(QStringLiteral("message")).toString(), ctx.messageId,
                                      [done](Result<QString> sent) {
                                          if (!sent)
                                              return done(error(sent.error().message));
                                          done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("platform_message_id"), sent.value()}});
                                      });
                  }});

    registry.add({QStringLiteral("activate_channel"), QStringLiteral("channels"), QStringLiteral("Connect one of your channels to its platform."),
                  idOnly(), ToolDefinition::MainOnly, false, false, [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto c = ownChannel(*cs, ctx.kinId, args);
                      if (!c)
                          return done(error(c.error().message));
                      cs->activate(c->id, [done](Result<ChannelRecord> r) {
                          if (!r)
                              return done(error(r.error().message));
                          done(brief(r.value()));
                      });
                  }});

    registry.add({QStringLiteral("deactivate_channel"), QStringLiteral("channels"),
                  QStringLiteral("Disconnect one of your channels (messages sent to it are ignored until it is activated again)."), idOnly(),
                  ToolDefinition::MainOnly, false, false, [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto c = ownChannel(*cs, ctx.kinId, args);
                      if (!c)
                          return done(error(c.error().message));
                      auto r = cs->deactivate(c->id);
                      if (!r)
                          return done(error(r.error().message));
                      done(brief(r.value()));
                  }});
}

} // namespace kinbot
