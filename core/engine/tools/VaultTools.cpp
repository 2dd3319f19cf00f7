#include "engine/tools/VaultTools.h"

#include "engine/MessageStore.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "vault/VaultService.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

const QString kDomain = QStringLiteral("vault");

const QString kUsage = QStringLiteral(
    "You never see vault values. Write the placeholder where the secret is needed in http_request (url, headers or body): "
    "it is replaced by the real value only when the request is sent. Never ask the user to repeat a stored secret.");

QString str(const QJsonObject &args, const char *name)
{
    return args.value(QLatin1String(name)).toString();
}

// The placeholders of an entry: one for a text entry, one per field of a typed entry.
QJsonObject referenceOf(const VaultEntryRecord &e, const VaultEntryValue &v)
{
    QJsonObject out{{QStringLiteral("key"), e.key}, {QStringLiteral("entryType"), v.entryType}};
    if (v.value.isObject()) {
        QJsonObject fields;
        const QJsonObject o = v.value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!it.value().isNull() && !(it.value().isString() && it.value().toString().isEmpty()))
                fields.insert(it.key(), VaultService::placeholder(e.key + QLatin1Char('.') + it.key()));
        out.insert(QStringLiteral("fields"), fields);
    } else {
        out.insert(QStringLiteral("placeholder"), VaultService::placeholder(e.key));
    }
    if (e.description)
        out.insert(QStringLiteral("description"), *e.description);
    out.insert(QStringLiteral("usage"), kUsage);
    return out;
}

// Looks an entry up by key and checks that its value opens (so a placeholder handed out will expand).
Result<std::pair<VaultEntryRecord, VaultEntryValue>> openEntry(VaultService &vault, const QString &key)
{
    auto found = vault.findByKey(key.trimmed());
    if (!found)
        return found.error();
    if (!found.value())
        return ApiError::notFound(QStringLiteral("SECRET_NOT_FOUND"), QStringLiteral("No vault entry with key \"%1\" (use search_secrets)").arg(key));
    auto value = vault.entryValue(found.value()->id);
    if (!value)
        return value.error();
    return std::make_pair(*found.value(), value.value());
}

QJsonObject fieldSchema()
{
    QJsonObject type = prop(QStringLiteral("string"), QStringLiteral("Field type"));
    type.insert(QStringLiteral("enum"), QJsonArray{QStringLiteral("text"), QStringLiteral("password"), QStringLiteral("textarea"), QStringLiteral("url"),
                                                   QStringLiteral("email"), QStringLiteral("phone"), QStringLiteral("date"), QStringLiteral("number")});
    return toolschema::object({{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Field machine name (e.g. ssid)"))},
                               {QStringLiteral("label"), prop(QStringLiteral("string"), QStringLiteral("Display label (e.g. Network Name)"))},
                               {QStringLiteral("type"), type},
                               {QStringLiteral("required"), prop(QStringLiteral("boolean"), QStringLiteral("Whether the field is required"))}},
                              {QStringLiteral("name"), QStringLiteral("label"), QStringLiteral("type")});
}

} // namespace

void registerVaultTools(ToolRegistry &registry, const VaultToolDeps &deps)
{
    VaultService &vault = deps.vault;
    MessageStore &messages = deps.messages;

    registry.setSecretResolver([&vault](bool file, const QString &ref) { return vault.resolveReference(file, ref); });

    registry.add({QStringLiteral("get_secret"), kDomain,
                  QStringLiteral("Get a Vault secret by key, as a placeholder ({{secret:KEY}}) to put where the secret is needed in "
                                 "http_request. The value itself is never shown to you and must never appear in your replies."),
                  toolschema::object({{QStringLiteral("key"), prop(QStringLiteral("string"), QStringLiteral("The unique key of the secret (e.g. GITHUB_TOKEN)"))}},
                                     {QStringLiteral("key")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      auto entry = openEntry(vault, str(args, "key"));
                      if (!entry)
                          return done(error(entry.error().code == QLatin1String("SECRET_NOT_FOUND") ? QStringLiteral("Secret not found")
                                                                                                      : entry.error().message));
                      done(referenceOf(entry->first, entry->second));
                  }});

    registry.add({QStringLiteral("redact_message"), kDomain,
                  QStringLiteral("Remove a secret a user shared in the chat (API key, password, token) from the conversation: the text is "
                                 "replaced by a placeholder in the stored message and in what you see, for good. Give content_match "
                                 "(the exact secret text; only it is replaced) or message_id (the whole message is replaced)."),
                  toolschema::object({{QStringLiteral("message_id"), prop(QStringLiteral("string"), QStringLiteral("The id of the message to redact"))},
                                      {QStringLiteral("content_match"), prop(QStringLiteral("string"), QStringLiteral("The exact text to remove, e.g. the secret"))},
                                      {QStringLiteral("redacted_text"),
                                       prop(QStringLiteral("string"), QStringLiteral("Placeholder, e.g. \"[SECRET: GITHUB_TOKEN]\" (default [REDACTED])"))}},
                                     {}),
                  ToolDefinition::MainOnly, false, true,
                  [&messages](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString messageId = str(args, "message_id").trimmed();
                      const QString match = str(args, "content_match");
                      QString replacement = str(args, "redacted_text");
                      if (replacement.isEmpty())
                          replacement = TurnRedactions::defaultReplacement();
                      if (replacement.size() > 200)
                          return done(error(QStringLiteral("redacted_text is at most 200 characters")));
                      if (!match.isEmpty() && replacement.contains(match))
                          return done(error(QStringLiteral("redacted_text may not contain the text it replaces")));
                      if (messageId.isEmpty() && match.isEmpty())
                          return done(error(QStringLiteral("Give message_id or content_match")));
                      std::optional<QString> before;
                      QString target = messageId;
                      if (!target.isEmpty()) {
                          auto r = messages.redact(ctx.kinId, target, match, replacement);
                          if (!r)
                              return done(error(r.error().message));
                          before = r.value();
                      }
                      if (!before && !match.isEmpty()) {
                          auto found = messages.findContaining(ctx.kinId, match);
                          if (!found)
                              return done(error(found.error().message));
                          if (found.value()) {
                              target = *found.value();
                              auto r = messages.redact(ctx.kinId, target, match, replacement);
                              if (!r)
                                  return done(error(r.error().message));
                              before = r.value();
                          }
                      }
                      if (!before)
                          return done(error(QStringLiteral("Message not found. Provide a valid message_id or a content_match that appears in a message.")));
                      // The model's view of this turn loses the text too.
                      if (ctx.redactions)
                          ctx.redactions->add(match.isEmpty() ? *before : match, replacement);
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("messageId"), target}});
                  },
                  {QStringLiteral("content_match")}});

    registry.add({QStringLiteral("create_secret"), kDomain,
                  QStringLiteral("Store a new secret (credential, API key, token) in the Vault, encrypted. Fails when the key exists: use "
                                 "update_secret then. If the user typed the secret in the chat, also call redact_message."),
                  toolschema::object({{QStringLiteral("key"), prop(QStringLiteral("string"), QStringLiteral("Unique key, SCREAMING_SNAKE_CASE (e.g. GITHUB_TOKEN)"))},
                                      {QStringLiteral("value"), prop(QStringLiteral("string"), QStringLiteral("The secret value (encrypted at rest)"))},
                                      {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("What the secret is for"))}},
                                     {QStringLiteral("key"), QStringLiteral("value")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      if (!args.value(QStringLiteral("value")).isString())
                          return done(error(QStringLiteral("value must be a string")));
                      VaultNewEntry e;
                      e.key = str(args, "key");
                      e.value = args.value(QStringLiteral("value"));
                      if (args.value(QStringLiteral("description")).isString())
                          e.description = str(args, "description");
                      e.createdByKinId = ctx.kinId;
                      auto created = vault.createEntry(e);
                      if (!created)
                          return done(error(created.error().code == QLatin1String("DUPLICATE_KEY")
                                                ? QStringLiteral("Secret with key \"%1\" already exists. Use update_secret to change its value.").arg(e.key.trimmed())
                                                : created.error().message));
                      done(QJsonObject{{QStringLiteral("id"), created->id}, {QStringLiteral("key"), created->key},
                                       {QStringLiteral("placeholder"), VaultService::placeholder(created->key)}});
                  },
                  {QStringLiteral("value")}});

    registry.add({QStringLiteral("update_secret"), kDomain,
                  QStringLiteral("Replace the value of an existing Vault secret (rotation). Fails when the key does not exist: use create_secret."),
                  toolschema::object({{QStringLiteral("key"), prop(QStringLiteral("string"), QStringLiteral("The key of the secret"))},
                                      {QStringLiteral("value"), prop(QStringLiteral("string"), QStringLiteral("The new value (encrypted at rest)"))}},
                                     {QStringLiteral("key"), QStringLiteral("value")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      if (!args.value(QStringLiteral("value")).isString())
                          return done(error(QStringLiteral("value must be a string")));
                      const QString key = str(args, "key").trimmed();
                      auto found = vault.findByKey(key);
                      if (!found)
                          return done(error(found.error().message));
                      if (!found.value())
                          return done(error(QStringLiteral("Secret with key \"%1\" not found").arg(key)));
                      if (found.value()->entryType != QLatin1String("text"))
                          return done(error(QStringLiteral("\"%1\" is a %2 entry: it holds several fields, not one value").arg(key, found.value()->entryType)));
                      VaultEntryPatch patch;
                      patch.value = args.value(QStringLiteral("value"));
                      auto updated = vault.updateEntry(found.value()->id, patch);
                      if (!updated)
                          return done(error(updated.error().message));
                      done(QJsonObject{{QStringLiteral("id"), updated->id}, {QStringLiteral("key"), updated->key}});
                  },
                  {QStringLiteral("value")}});

    registry.add({QStringLiteral("delete_secret"), kDomain,
                  QStringLiteral("Delete a Vault secret. Only secrets created by you (this Kin) can be deleted; others are managed by the "
                                 "users in Settings → Vault."),
                  toolschema::object({{QStringLiteral("key"), prop(QStringLiteral("string"), QStringLiteral("The key of the secret"))}}, {QStringLiteral("key")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString key = str(args, "key").trimmed();
                      auto found = vault.findByKey(key);
                      if (!found)
                          return done(error(found.error().message));
                      if (!found.value())
                          return done(error(QStringLiteral("Secret with key \"%1\" not found").arg(key)));
                      if (found.value()->createdByKinId.isEmpty() || found.value()->createdByKinId != ctx.kinId)
                          return done(error(QStringLiteral("Cannot delete this secret — it was not created by this Kin")));
                      if (Status st = vault.deleteEntry(found.value()->id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("key"), key}});
                  }});

    registry.add({QStringLiteral("search_secrets"), kDomain,
                  QStringLiteral("Search Vault entries by key or description (case-insensitive). Returns keys and descriptions, never "
                                 "values. Use it to find the right key before get_secret or get_vault_entry."),
                  toolschema::object({{QStringLiteral("query"), prop(QStringLiteral("string"), QStringLiteral("Text to look for in keys and descriptions"))}},
                                     {QStringLiteral("query")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      auto found = vault.search(str(args, "query").trimmed(), 50);
                      if (!found)
                          return done(error(found.error().message));
                      QJsonArray out;
                      for (const VaultEntryRecord &e : found.value())
                          out.append(QJsonObject{{QStringLiteral("key"), e.key},
                                                 {QStringLiteral("description"), e.description ? QJsonValue(*e.description) : QJsonValue()},
                                                 {QStringLiteral("entryType"), e.entryType}});
                      done(QJsonObject{{QStringLiteral("secrets"), out}});
                  }});

    registry.add({QStringLiteral("get_vault_entry"), kDomain,
                  QStringLiteral("Get a typed Vault entry (credential, card, note, identity, custom) by key: its type, one placeholder per field "
                                 "(e.g. {{secret:KEY.password}}) and its attachments. Values are never shown to you."),
                  toolschema::object({{QStringLiteral("key"), prop(QStringLiteral("string"), QStringLiteral("The unique key of the entry"))}}, {QStringLiteral("key")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      auto entry = openEntry(vault, str(args, "key"));
                      if (!entry)
                          return done(error(entry.error().code == QLatin1String("SECRET_NOT_FOUND") ? QStringLiteral("Entry not found")
                                                                                                      : entry.error().message));
                      QJsonObject out = referenceOf(entry->first, entry->second);
                      QJsonArray attachments;
                      if (auto list = vault.listAttachments(entry->first.id))
                          for (const VaultAttachmentRecord &a : list.value())
                              attachments.append(QJsonObject{{QStringLiteral("id"), a.id}, {QStringLiteral("name"), a.name},
                                                             {QStringLiteral("mimeType"), a.mimeType}, {QStringLiteral("size"), a.size}});
                      out.insert(QStringLiteral("attachments"), attachments);
                      done(out);
                  }});

    registry.add({QStringLiteral("create_vault_entry"), kDomain,
                  QStringLiteral("Create a typed Vault entry, encrypted: type text (value: a string), credential {url, username*, password*, "
                                 "notes}, card {number*, expiry*, cvv*, holderName, notes}, note {title, content*}, identity {fullName*, "
                                 "email, phone, address, notes}, or a custom type slug (value: an object of its fields; * = required)."),
                  toolschema::object({{QStringLiteral("key"), prop(QStringLiteral("string"), QStringLiteral("Unique key (SCREAMING_SNAKE_CASE recommended)"))},
                                      {QStringLiteral("entry_type"), prop(QStringLiteral("string"), QStringLiteral("text, credential, card, note, identity or a custom type slug"))},
                                      {QStringLiteral("value"), QJsonObject{{QStringLiteral("description"),
                                                                             QStringLiteral("A string for text entries, else an object of the type's fields")}}},
                                      {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("What the entry is for"))}},
                                     {QStringLiteral("key"), QStringLiteral("entry_type"), QStringLiteral("value")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      VaultNewEntry e;
                      e.key = str(args, "key");
                      e.entryType = str(args, "entry_type").trimmed();
                      if (e.entryType.isEmpty())
                          return done(error(QStringLiteral("entry_type is required")));
                      e.value = args.value(QStringLiteral("value"));
                      if (args.value(QStringLiteral("description")).isString())
                          e.description = str(args, "description");
                      e.createdByKinId = ctx.kinId;
                      auto created = vault.createEntry(e);
                      if (!created)
                          return done(error(created.error().code == QLatin1String("DUPLICATE_KEY")
                                                ? QStringLiteral("Entry with key \"%1\" already exists").arg(e.key.trimmed())
                                                : created.error().message));
                      done(QJsonObject{{QStringLiteral("id"), created->id}, {QStringLiteral("key"), created->key},
                                       {QStringLiteral("entryType"), created->entryType}});
                  },
                  {QStringLiteral("value")}});

    registry.add({QStringLiteral("create_vault_type"), kDomain,
                  QStringLiteral("Create a custom Vault entry type with its fields, for structured secrets beyond the built-in types "
                                 "(e.g. a \"wifi\" type with ssid, password, security)."),
                  toolschema::object({{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Display name (e.g. WiFi Network)"))},
                                      {QStringLiteral("slug"), prop(QStringLiteral("string"), QStringLiteral("Machine name: lowercase, digits, - or _ (e.g. wifi)"))},
                                      {QStringLiteral("icon"), prop(QStringLiteral("string"), QStringLiteral("Lucide icon name (e.g. Wifi)"))},
                                      {QStringLiteral("fields"), QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                                             {QStringLiteral("description"), QStringLiteral("Field definitions")},
                                                                             {QStringLiteral("items"), fieldSchema()}}}},
                                     {QStringLiteral("name"), QStringLiteral("slug"), QStringLiteral("fields")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      std::optional<QString> icon;
                      if (args.value(QStringLiteral("icon")).isString())
                          icon = str(args, "icon");
                      auto created = vault.createType(str(args, "name"), str(args, "slug").trimmed(), icon,
                                                      args.value(QStringLiteral("fields")).toArray(), ctx.kinId);
                      if (!created)
                          return done(error(created.error().message));
                      done(QJsonObject{{QStringLiteral("id"), created->id}, {QStringLiteral("slug"), created->slug}, {QStringLiteral("name"), created->name}});
                  }});

    registry.add({QStringLiteral("get_vault_attachment"), kDomain,
                  QStringLiteral("Get a file attached to a Vault entry (ids come from get_vault_entry): its name, type, size and a "
                                 "placeholder {{secret-file:ID}} that http_request replaces by the file's base64 content (files up to 10 MB)."),
                  toolschema::object({{QStringLiteral("attachment_id"), prop(QStringLiteral("string"), QStringLiteral("The attachment id"))}},
                                     {QStringLiteral("attachment_id")}),
                  ToolDefinition::MainOnly, false, true,
                  [&vault](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      auto found = vault.findAttachment(str(args, "attachment_id").trimmed());
                      if (!found)
                          return done(error(found.error().message));
                      if (!found.value())
                          return done(error(QStringLiteral("Attachment not found")));
                      const VaultAttachmentRecord &a = *found.value();
                      done(QJsonObject{{QStringLiteral("id"), a.id},
                                       {QStringLiteral("name"), a.name},
                                       {QStringLiteral("mimeType"), a.mimeType},
                                       {QStringLiteral("size"), a.size},
                                       {QStringLiteral("placeholder"), VaultService::filePlaceholder(a.id)},
                                       {QStringLiteral("usage"), kUsage}});
                  }});
}

} // namespace kinbot
