#include "engine/tools/ChannelTools.h"

#include "channels/ChannelService.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"
#include "util/Files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

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

// A tool that acts on one of the calling Kin's channels (channel_id): the body runs with it, or the tool answers why not.
using ChannelToolBody = std::function<void(const ChannelRecord &c, const ToolContext &ctx, const QJsonObject &args, ToolDone done)>;
auto onOwnChannel(const ChannelService *cs, ChannelToolBody body)
{
    return [cs, body = std::move(body)](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
        auto c = ownChannel(*cs, ctx.kinId, args);
        if (!c)
            return done(error(c.error().message));
        body(c.value(), ctx, args, std::move(done));
    };
}

// The channel after a change, or the error.
void answerChannel(const Result<ChannelRecord> &r, const ToolDone &done)
{
    if (!r)
        return done(error(r.error().message));
    done(brief(r.value()));
}

QJsonObject idOnly()
{
    return toolschema::object({{QStringLiteral("channel_id"), prop(QStringLiteral("string"), QStringLiteral("The channel"))}},
                              {QStringLiteral("channel_id")});
}

} // namespace

void registerChannelTools(ToolRegistry &registry, ChannelService &channels, KinService &kins, const QString &dataDir)
{
    ChannelService *cs = &channels;
    KinService *ks = &kins;

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

    registry.add({QStringLiteral("list_channel_conversations"), QStringLiteral("channels"),
                  QStringLiteral("List the chats one of your channels has talked with, most recent first: their chat ids (for "
                                 "send_channel_message), message counts and the last sender."),
                  toolschema::object({{QStringLiteral("channel_id"), prop(QStringLiteral("string"), QStringLiteral("The channel"))},
                                      {QStringLiteral("limit"), prop(QStringLiteral("integer"), QStringLiteral("At most this many chats (1-50, default 20)"))}},
                                     {QStringLiteral("channel_id")}),
                  ToolDefinition::MainOnly, false, false,
                  onOwnChannel(cs, [cs](const ChannelRecord &c, const ToolContext &, const QJsonObject &args, ToolDone done) {
                      auto chats = cs->conversations(c.id, qBound(1, args.value(QStringLiteral("limit")).toInt(20), 50));
                      if (!chats)
                          return done(error(chats.error().message));
                      done(QJsonObject{{QStringLiteral("channel_id"), c.id},
                                       {QStringLiteral("platform"), c.platform},
                                       {QStringLiteral("conversations"), chats.value()},
                                       {QStringLiteral("count"), chats->size()}});
                  })});

    registry.add({QStringLiteral("send_channel_message"), QStringLiteral("channels"),
                  QStringLiteral("Send a message to a chat of one of your active channels, on your own initiative. Replies to messages that "
                                 "came through a channel are sent back by themselves: do not use this for them."),
                  toolschema::object({{QStringLiteral("channel_id"), prop(QStringLiteral("string"), QStringLiteral("The channel"))},
                                      {QStringLiteral("chat_id"), prop(QStringLiteral("string"), QStringLiteral("The platform's chat id (Telegram chat id, Slack channel id)"))},
                                      {QStringLiteral("message"), prop(QStringLiteral("string"), QStringLiteral("The text to send"))}},
                                     {QStringLiteral("channel_id"), QStringLiteral("chat_id"), QStringLiteral("message")}),
                  ToolDefinition::MainOnly, false, false,
                  onOwnChannel(cs, [cs](const ChannelRecord &c, const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QJsonValue chat = args.value(QStringLiteral("chat_id"));
                      const QString chatId = chat.isDouble() ? QString::number(qint64(chat.toDouble())) : chat.toString();
                      cs->sendMessage(c.id, chatId, args.value(QStringLiteral("message")).toString(), ctx.messageId,
                                      [done](Result<QString> sent) {
                                          if (!sent)
                                              return done(error(sent.error().message));
                                          done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("platform_message_id"), sent.value()}});
                                      });
                  })});

    registry.add({QStringLiteral("attach_file"), QStringLiteral("channels"),
                  QStringLiteral("Send a file with your answer to the channel message you are answering (Telegram). Call it before "
                                 "writing the answer; the file goes out with it. A path relative to your workspace, or a file of the "
                                 "data dir (uploads, stored files)."),
                  toolschema::object({{QStringLiteral("path"), prop(QStringLiteral("string"), QStringLiteral("The file"))},
                                      {QStringLiteral("file_name"), prop(QStringLiteral("string"), QStringLiteral("The name shown (default: the file's)"))}},
                                     {QStringLiteral("path")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs, ks, dataDir](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString given = args.value(QStringLiteral("path")).toString().trimmed();
                      auto kin = ks->resolve(ctx.kinId);
                      if (given.isEmpty() || !kin)
                          return done(error(QStringLiteral("path is required")));
                      const QString workspace = QDir(kin->workspacePath).canonicalPath();
                      const QFileInfo info(QDir::isAbsolutePath(given) ? given : QDir(kin->workspacePath).filePath(given));
                      const QString real = info.canonicalFilePath(); // symlinks resolved: no way out of the allowed roots
                      const auto inside = [&real](const QString &root) {
                          return !root.isEmpty() && real.startsWith(root + QLatin1Char('/'));
                      };
                      if (real.isEmpty() || !info.isFile())
                          return done(error(QStringLiteral("No file at %1").arg(given)));
                      if (!inside(workspace) && !inside(QDir(dataDir).canonicalPath()))
                          return done(error(QStringLiteral("Only files of your workspace or of the data dir can be sent")));
                      if (info.size() > ChannelService::kMaxAttachmentBytes)
                          return done(error(QStringLiteral("The file is larger than %1 MB").arg(ChannelService::kMaxAttachmentBytes / (1024 * 1024))));
                      QFile f(real);
                      const QByteArray head = f.open(QIODevice::ReadOnly) ? f.read(4096) : QByteArray();
                      OutgoingAttachment file;
                      file.path = real;
                      file.fileName = files::displayName(args.value(QStringLiteral("file_name")).toString().trimmed().isEmpty()
                                                             ? info.fileName()
                                                             : args.value(QStringLiteral("file_name")).toString().trimmed());
                      file.mimeType = files::mimeTypeOf(file.fileName, head);
                      auto staged = cs->stageAttachment(ctx.kinId, ctx.channelOriginId, ctx.messageId, file);
                      if (!staged)
                          return done(error(staged.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true},
                                       {QStringLiteral("file_name"), file.fileName},
                                       {QStringLiteral("mime_type"), file.mimeType},
                                       {QStringLiteral("size"), info.size()},
                                       {QStringLiteral("message"), QStringLiteral("The file will be sent to %1 with your answer.").arg(staged.value())}});
                  }});

    // Opt-in (toolConfig.enabledOptInTools): a Kin that manages its own channels.
    ToolDefinition create{QStringLiteral("create_channel"), QStringLiteral("channels"),
                          QStringLiteral("Create a channel for yourself: a bot on an outside platform that people can write to. The "
                                         "platform's credentials go to the vault. It is activated at once unless activate is false."),
                          toolschema::object({{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("A name for the channel"))},
                                              {QStringLiteral("platform"), prop(QStringLiteral("string"), QStringLiteral("telegram, slack…"))},
                                              {QStringLiteral("bot_token"), prop(QStringLiteral("string"), QStringLiteral("The bot's token"))},
                                              {QStringLiteral("signing_secret"), prop(QStringLiteral("string"), QStringLiteral("Slack: the app's signing secret"))},
                                              {QStringLiteral("allowed_chat_ids"),
                                               QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                           {QStringLiteral("items"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                           {QStringLiteral("description"), QStringLiteral("Only these chats are heard (default: all)")}}},
                                              {QStringLiteral("activate"), prop(QStringLiteral("boolean"), QStringLiteral("Connect it now (default true)"))}},
                                             {QStringLiteral("name"), QStringLiteral("platform"), QStringLiteral("bot_token")}),
                          ToolDefinition::MainOnly, true, false,
                          [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                              ChannelDraft d;
                              d.kinId = ctx.kinId;
                              d.name = args.value(QStringLiteral("name")).toString();
                              d.platform = args.value(QStringLiteral("platform")).toString().trimmed().toLower();
                              d.botToken = args.value(QStringLiteral("bot_token")).toString();
                              if (args.contains(QStringLiteral("signing_secret")))
                                  d.signingSecret = args.value(QStringLiteral("signing_secret")).toString();
                              if (args.value(QStringLiteral("allowed_chat_ids")).isArray())
                                  d.allowedChatIds = std::optional<QStringList>(toolschema::strings(args.value(QStringLiteral("allowed_chat_ids"))));
                              auto made = cs->create(d, QStringLiteral("kin"));
                              if (!made)
                                  return done(error(made.error().message));
                              if (!args.value(QStringLiteral("activate")).toBool(true))
                                  return done(brief(made.value()));
                              cs->activate(made->id, [done](Result<ChannelRecord> r) { answerChannel(r, done); });
                          }};
    create.sensitiveArgs = {QStringLiteral("bot_token"), QStringLiteral("signing_secret")};
    registry.add(std::move(create));

    registry.add({QStringLiteral("update_channel"), QStringLiteral("channels"),
                  QStringLiteral("Rename one of your channels or change which chats it hears."),
                  toolschema::object({{QStringLiteral("channel_id"), prop(QStringLiteral("string"), QStringLiteral("The channel"))},
                                      {QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("A new name"))},
                                      {QStringLiteral("allowed_chat_ids"),
                                       QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                   {QStringLiteral("items"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                   {QStringLiteral("description"), QStringLiteral("Only these chats are heard; [] hears all")}}}},
                                     {QStringLiteral("channel_id")}),
                  ToolDefinition::MainOnly, true, false,
                  onOwnChannel(cs, [cs](const ChannelRecord &c, const ToolContext &, const QJsonObject &args, ToolDone done) {
                      ChannelDraft p;
                      if (args.contains(QStringLiteral("name")))
                          p.name = args.value(QStringLiteral("name")).toString();
                      if (args.value(QStringLiteral("allowed_chat_ids")).isArray()) {
                          const QStringList ids = toolschema::strings(args.value(QStringLiteral("allowed_chat_ids")));
                          p.allowedChatIds = ids.isEmpty() ? std::optional<QStringList>() : std::optional<QStringList>(ids);
                      }
                      answerChannel(cs->update(c.id, p), done);
                  })});

    registry.add({QStringLiteral("delete_channel"), QStringLiteral("channels"),
                  QStringLiteral("Delete one of your channels: it is disconnected and its credentials leave the vault."), idOnly(),
                  ToolDefinition::MainOnly, true, false, onOwnChannel(cs, [cs](const ChannelRecord &c, const ToolContext &, const QJsonObject &, ToolDone done) {
                      if (Status st = cs->remove(c.id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  })});

    registry.add({QStringLiteral("activate_channel"), QStringLiteral("channels"), QStringLiteral("Connect one of your channels to its platform."),
                  idOnly(), ToolDefinition::MainOnly, false, false, onOwnChannel(cs, [cs](const ChannelRecord &c, const ToolContext &, const QJsonObject &, ToolDone done) {
                      cs->activate(c.id, [done](Result<ChannelRecord> r) { answerChannel(r, done); });
                  })});

    registry.add({QStringLiteral("deactivate_channel"), QStringLiteral("channels"),
                  QStringLiteral("Disconnect one of your channels (messages sent to it are ignored until it is activated again)."), idOnly(),
                  ToolDefinition::MainOnly, false, false, onOwnChannel(cs, [cs](const ChannelRecord &c, const ToolContext &, const QJsonObject &, ToolDone done) {
                      answerChannel(cs->deactivate(c.id), done);
                  })});
}

} // namespace kinbot
