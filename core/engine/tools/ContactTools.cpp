#include "engine/tools/ContactTools.h"

#include "contacts/ContactService.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

QString slugOf(KinService &kins, const QString &kinId)
{
    auto k = kins.resolve(kinId);
    return k ? k->slug : kinId;
}

QJsonArray identifiersJson(const Contact &c)
{
    QJsonArray out;
    for (const ContactIdentifier &i : c.identifiers)
        out.append(QJsonObject{{QStringLiteral("id"), i.id}, {QStringLiteral("label"), i.label}, {QStringLiteral("value"), i.value}});
    return out;
}

// The Kin-side view of a contact; notes only when asked (get_contact), filtered to what this Kin may read.
QJsonObject brief(const Contact &c, const QString &kinId, KinService &kins, bool withNotes)
{
    QJsonObject o{{QStringLiteral("contact_id"), c.id},
                  {QStringLiteral("name"), c.name},
                  {QStringLiteral("type"), c.type},
                  {QStringLiteral("identifiers"), identifiersJson(c)}};
    if (!c.linkedUserId.isEmpty()) {
        o.insert(QStringLiteral("linked_user_id"), c.linkedUserId);
        if (!c.linkedUserName.isEmpty())
            o.insert(QStringLiteral("linked_user_name"), c.linkedUserName);
    }
    if (!c.linkedKinId.isEmpty())
        o.insert(QStringLiteral("linked_kin_slug"), slugOf(kins, c.linkedKinId));
    if (withNotes) {
        QJsonArray notes;
        for (const ContactNote &n : ContactService::notesVisibleTo(c.notes, kinId))
            notes.append(QJsonObject{{QStringLiteral("note_id"), n.id},
                                     {QStringLiteral("scope"), n.scope},
                                     {QStringLiteral("content"), n.content},
                                     {QStringLiteral("by_you"), n.kinId == kinId},
                                     {QStringLiteral("kin_slug"), slugOf(kins, n.kinId)}});
        o.insert(QStringLiteral("notes"), notes);
    }
    return o;
}

QJsonObject listOf(const QList<Contact> &all, const QString &kinId, KinService &kins)
{
    QJsonArray out;
    for (const Contact &c : all)
        out.append(brief(c, kinId, kins, false));
    return {{QStringLiteral("contacts"), out}, {QStringLiteral("count"), out.size()}};
}

QJsonObject identifiersSchema(const QString &description)
{
    QJsonObject item = toolschema::object({{QStringLiteral("label"), prop(QStringLiteral("string"), QStringLiteral("e.g. email, phone, telegram"))},
                                           {QStringLiteral("value"), prop(QStringLiteral("string"), QStringLiteral("The address, number or handle"))}},
                                          {QStringLiteral("label"), QStringLiteral("value")});
    return {{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("description"), description}, {QStringLiteral("items"), item}};
}

// The {label, value} pairs of an identifiers argument; anything malformed is an error for the model.
Result<QList<QPair<QString, QString>>> identifiersArg(const QJsonObject &args)
{
    QList<QPair<QString, QString>> out;
    const QJsonValue v = args.value(QStringLiteral("identifiers"));
    if (v.isUndefined() || v.isNull())
        return out;
    if (!v.isArray())
        return ApiError::validation(QStringLiteral("identifiers must be an array of {label, value}"));
    for (const QJsonValue &item : v.toArray()) {
        const QJsonObject o = item.toObject();
        if (!o.value(QStringLiteral("label")).isString() || !o.value(QStringLiteral("value")).isString())
            return ApiError::validation(QStringLiteral("each identifier needs a label and a value"));
        out << qMakePair(o.value(QStringLiteral("label")).toString(), o.value(QStringLiteral("value")).toString());
    }
    return out;
}

QString stringArg(const QJsonObject &args, const char *key)
{
    return args.value(QLatin1String(key)).toString().trimmed();
}

QJsonObject contactIdSchema()
{
    return toolschema::object({{QStringLiteral("contact_id"), prop(QStringLiteral("string"), QStringLiteral("The contact's id"))}},
                              {QStringLiteral("contact_id")});
}

} // namespace

void registerContactTools(ToolRegistry &registry, ContactService &contacts, KinService &kins)
{
    ContactService *cs = &contacts;
    KinService *ks = &kins;
    const QString domain = QStringLiteral("contacts");

    registry.add({QStringLiteral("get_contact"), domain,
                  QStringLiteral("Get a contact with its identifiers and the notes you can read (every global note, your private ones)."),
                  contactIdSchema(), ToolDefinition::MainOnly, false, true,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto c = cs->get(stringArg(args, "contact_id"));
                      if (!c)
                          return done(error(c.error().message));
                      done(brief(c.value(), ctx.kinId, *ks, true));
                  }});

    registry.add({QStringLiteral("search_contacts"), domain, QStringLiteral("Find contacts whose name or an identifier contains the text."),
                  toolschema::object({{QStringLiteral("query"), prop(QStringLiteral("string"), QStringLiteral("Part of a name, email, phone…"))}},
                                     {QStringLiteral("query")}),
                  ToolDefinition::MainOnly, false, true,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString query = stringArg(args, "query");
                      if (query.isEmpty())
                          return done(error(QStringLiteral("query is required")));
                      auto found = cs->search(query);
                      if (!found)
                          return done(error(found.error().message));
                      done(listOf(found.value(), ctx.kinId, *ks));
                  }});

    registry.add({QStringLiteral("find_contact_by_identifier"), domain,
                  QStringLiteral("Find the contacts with exactly this identifier value (case-insensitive), optionally of this label."),
                  toolschema::object({{QStringLiteral("value"), prop(QStringLiteral("string"), QStringLiteral("e.g. ada@example.org"))},
                                      {QStringLiteral("label"), prop(QStringLiteral("string"), QStringLiteral("e.g. email (any label when omitted)"))}},
                                     {QStringLiteral("value")}),
                  ToolDefinition::MainOnly, false, true,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString value = stringArg(args, "value");
                      if (value.isEmpty())
                          return done(error(QStringLiteral("value is required")));
                      auto found = cs->findByIdentifier(stringArg(args, "label"), value);
                      if (!found)
                          return done(error(found.error().message));
                      done(listOf(found.value(), ctx.kinId, *ks));
                  }});

    registry.add({QStringLiteral("create_contact"), domain, QStringLiteral("Add a person (or a Kin) to the contacts."),
                  toolschema::object({{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Full name"))},
                                      {QStringLiteral("type"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                                           {QStringLiteral("enum"), QJsonArray{QStringLiteral("human"), QStringLiteral("kin")}},
                                                                           {QStringLiteral("description"), QStringLiteral("human (default) or kin")}}},
                                      {QStringLiteral("identifiers"), identifiersSchema(QStringLiteral("Ways to reach or recognise them"))},
                                      {QStringLiteral("linked_kin_slug"), prop(QStringLiteral("string"), QStringLiteral("For a kin contact: that Kin's slug"))}},
                                     {QStringLiteral("name")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      ContactDraft d;
                      d.name = stringArg(args, "name");
                      d.type = args.value(QStringLiteral("type")).isString() ? stringArg(args, "type") : QStringLiteral("human");
                      auto ids = identifiersArg(args);
                      if (!ids)
                          return done(error(ids.error().message));
                      d.identifiers = ids.value();
                      if (const QString slug = stringArg(args, "linked_kin_slug"); !slug.isEmpty()) {
                          auto kin = ks->resolve(slug);
                          if (!kin)
                              return done(error(QStringLiteral("No Kin \"%1\"").arg(slug)));
                          d.linkedKinId = kin->id;
                      }
                      auto c = cs->create(d);
                      if (!c)
                          return done(error(c.error().message));
                      QJsonObject out = brief(c.value(), ctx.kinId, *ks, false);
                      out.insert(QStringLiteral("success"), true);
                      done(out);
                  }});

    registry.add({QStringLiteral("update_contact"), domain,
                  QStringLiteral("Change a contact's name or type; identifiers given are added to the existing ones."),
                  toolschema::object({{QStringLiteral("contact_id"), prop(QStringLiteral("string"), QStringLiteral("The contact's id"))},
                                      {QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("New name"))},
                                      {QStringLiteral("type"), prop(QStringLiteral("string"), QStringLiteral("human or kin"))},
                                      {QStringLiteral("identifiers"), identifiersSchema(QStringLiteral("Identifiers to add"))}},
                                     {QStringLiteral("contact_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs, ks](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString id = stringArg(args, "contact_id");
                      auto ids = identifiersArg(args);
                      if (!ids)
                          return done(error(ids.error().message));
                      ContactPatch p;
                      if (args.value(QStringLiteral("name")).isString())
                          p.name = args.value(QStringLiteral("name")).toString();
                      if (args.value(QStringLiteral("type")).isString())
                          p.type = stringArg(args, "type");
                      auto c = cs->update(id, p);
                      if (!c)
                          return done(error(c.error().message));
                      for (const auto &[label, value] : ids.value())
                          if (auto added = cs->addIdentifier(id, label, value); !added)
                              return done(error(added.error().message));
                      auto fresh = cs->get(id);
                      if (!fresh)
                          return done(error(fresh.error().message));
                      QJsonObject out = brief(fresh.value(), ctx.kinId, *ks, false);
                      out.insert(QStringLiteral("success"), true);
                      done(out);
                  }});

    registry.add({QStringLiteral("delete_contact"), domain, QStringLiteral("Delete a contact with its identifiers and notes."), contactIdSchema(),
                  ToolDefinition::MainOnly, false, false,
                  [cs](const ToolContext &, const QJsonObject &args, ToolDone done) {
                      if (Status st = cs->remove(stringArg(args, "contact_id")); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    registry.add({QStringLiteral("set_contact_note"), domain,
                  QStringLiteral("Write your note about a contact (replaces your previous note of that scope). private: only you read it; "
                                 "global: every Kin reads it."),
                  toolschema::object({{QStringLiteral("contact_id"), prop(QStringLiteral("string"), QStringLiteral("The contact's id"))},
                                      {QStringLiteral("content"), prop(QStringLiteral("string"), QStringLiteral("The whole note (at most 10 000 characters)"))},
                                      {QStringLiteral("scope"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                                            {QStringLiteral("enum"), QJsonArray{QStringLiteral("private"), QStringLiteral("global")}},
                                                                            {QStringLiteral("description"), QStringLiteral("private (default) or global")}}}},
                                     {QStringLiteral("contact_id"), QStringLiteral("content")}),
                  ToolDefinition::MainOnly, false, false,
                  [cs](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString scope = args.value(QStringLiteral("scope")).isString() ? stringArg(args, "scope") : QStringLiteral("private");
                      auto n = cs->setNote(stringArg(args, "contact_id"), ctx.kinId, scope, args.value(QStringLiteral("content")).toString());
                      if (!n)
                          return done(error(n.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true},
                                       {QStringLiteral("note_id"), n->first.id},
                                       {QStringLiteral("scope"), n->first.scope},
                                       {QStringLiteral("created"), n->second}});
                  }});
}

} // namespace kinbot
