#include "engine/tools/MiniAppTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "miniapps/MiniAppService.h"
#include "miniapps/MiniAppTemplates.h"
#include "providers/ProviderService.h"
#include "util/Json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

QJsonObject appIdProp()
{
    return prop(QStringLiteral("string"), QStringLiteral("The mini-app's id"));
}

// The app when the calling Kin owns it.
Result<MiniApp> ownApp(MiniAppService &apps, const ToolContext &ctx, const QJsonObject &args)
{
    auto app = apps.get(args.value(QStringLiteral("app_id")).toString());
    if (!app || app->kinId != ctx.kinId)
        return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("Mini-app not found (or not one of yours)"));
    return app;
}

bool isTextFile(const QString &path)
{
    static const QStringList text{QStringLiteral("html"), QStringLiteral("htm"), QStringLiteral("css"), QStringLiteral("js"),
                                  QStringLiteral("mjs"), QStringLiteral("jsx"), QStringLiteral("ts"), QStringLiteral("tsx"),
                                  QStringLiteral("json"), QStringLiteral("svg"), QStringLiteral("txt"), QStringLiteral("md"),
                                  QStringLiteral("xml"), QStringLiteral("csv")};
    return text.contains(path.section(QLatin1Char('.'), -1).toLower());
}

QJsonObject brief(const MiniApp &a)
{
    return {{QStringLiteral("id"), a.id},
            {QStringLiteral("name"), a.name},
            {QStringLiteral("slug"), a.slug},
            {QStringLiteral("description"), a.description ? QJsonValue(*a.description) : QJsonValue()},
            {QStringLiteral("icon"), a.icon ? QJsonValue(*a.icon) : QJsonValue()},
            {QStringLiteral("isActive"), a.isActive},
            {QStringLiteral("hasBackend"), a.hasBackend},
            {QStringLiteral("version"), a.version}};
}

std::optional<QString> optionalText(const QJsonObject &args, const char *key)
{
    const QJsonValue v = args.value(QLatin1String(key));
    return v.isString() ? std::optional<QString>(v.toString()) : std::nullopt;
}

} // namespace

void registerMiniAppTools(ToolRegistry &registry, MiniAppService &apps, ProviderService &providers)
{
    QPointer<MiniAppService> svc(&apps);
    QPointer<ProviderService> prov(&providers);
    const auto add = [&registry](const char *name, const QString &description, const QJsonObject &params,
                                 std::function<void(MiniAppService &, const ToolContext &, const QJsonObject &, ToolDone)> run,
                                 QPointer<MiniAppService> service) {
        registry.add({QLatin1String(name), QStringLiteral("mini-apps"), description, params, ToolDefinition::MainOnly, false, false,
                      [service, run](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                          if (!service)
                              return done(error(QStringLiteral("Mini-apps are not available")));
                          run(*service, ctx, args, std::move(done));
                      }});
    };
    const auto fail = [](const ApiError &e) { return error(e.message); };
    // A tool on one app, which must be the calling Kin's own (app_id; another Kin's app is "not found").
    const auto addOwned = [&add](const char *name, const QString &description, const QJsonObject &params,
                                 std::function<void(MiniAppService &, const MiniApp &, const QJsonObject &, ToolDone)> run,
                                 QPointer<MiniAppService> service) {
        add(name, description, params,
            [run](MiniAppService &s, const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                auto app = ownApp(s, ctx, args);
                if (!app)
                    return done(error(app.error().message));
                run(s, app.value(), args, std::move(done));
            },
            service);
    };

    QStringList templateIds;
    for (const auto &t : miniapptemplates::all())
        templateIds.append(t.id);
    QJsonObject templateProp = prop(QStringLiteral("string"), QStringLiteral("Start from a template (see get_mini_app_templates)"));
    if (!templateIds.isEmpty())
        templateProp.insert(QStringLiteral("enum"), QJsonArray::fromStringList(templateIds));

    add("create_mini_app",
        QStringLiteral("Create a mini-app (a small web app shown beside the chat) from `html` (the index.html) or a `template`. Read "
                       "get_mini_app_docs first. The slug: lower-case letters, digits and hyphens."),
        toolschema::object({{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Display name"))},
                            {QStringLiteral("slug"), prop(QStringLiteral("string"), QStringLiteral("URL name, unique among your apps"))},
                            {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("What it does"))},
                            {QStringLiteral("icon"), prop(QStringLiteral("string"), QStringLiteral("One emoji"))},
                            {QStringLiteral("html"), prop(QStringLiteral("string"), QStringLiteral("The content of index.html"))},
                            {QStringLiteral("template"), templateProp}},
                           {QStringLiteral("name"), QStringLiteral("slug")}),
        [fail](MiniAppService &s, const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
            NewMiniApp in;
            in.kinId = ctx.kinId;
            in.name = args.value(QStringLiteral("name")).toString();
            in.slug = args.value(QStringLiteral("slug")).toString();
            in.description = optionalText(args, "description");
            in.icon = optionalText(args, "icon");
            const QString templateId = args.value(QStringLiteral("template")).toString();
            if (!templateId.isEmpty()) {
                auto t = miniapptemplates::find(templateId);
                if (!t)
                    return done(error(QStringLiteral("Unknown template \"%1\" (see get_mini_app_templates)").arg(templateId)));
                in.files = t->files;
                if (!in.icon && !t->icon.isEmpty())
                    in.icon = t->icon;
            } else if (args.value(QStringLiteral("html")).isString()) {
                in.files.append({QStringLiteral("index.html"), args.value(QStringLiteral("html")).toString().toUtf8()});
            } else {
                return done(error(QStringLiteral("Give either html or template")));
            }
            auto app = s.create(in);
            if (!app)
                return done(fail(app.error()));
            QJsonObject out{{QStringLiteral("appId"), app->id},
                            {QStringLiteral("name"), app->name},
                            {QStringLiteral("slug"), app->slug},
                            {QStringLiteral("message"), QStringLiteral("Mini-app created. The user can open it from the sidebar.")}};
            if (!templateId.isEmpty())
                out.insert(QStringLiteral("template"), templateId);
            done(out);
        },
        svc);

    addOwned("update_mini_app", QStringLiteral("Change a mini-app's name, description, icon, entry file or active state."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()},
                            {QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("New name"))},
                            {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("New description"))},
                            {QStringLiteral("icon"), prop(QStringLiteral("string"), QStringLiteral("New emoji"))},
                            {QStringLiteral("entry_file"), prop(QStringLiteral("string"), QStringLiteral("The HTML file served first"))},
                            {QStringLiteral("is_active"), prop(QStringLiteral("boolean"), QStringLiteral("Shown in the sidebar"))}},
                           {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            MiniAppChange c;
            if (args.value(QStringLiteral("name")).isString())
                c.name = args.value(QStringLiteral("name")).toString();
            for (auto [key, target] : {std::pair{"description", &c.description}, std::pair{"icon", &c.icon}})
                if (args.contains(QLatin1String(key)))
                    *target = optionalText(args, key);
            if (args.value(QStringLiteral("entry_file")).isString())
                c.entryFile = args.value(QStringLiteral("entry_file")).toString();
            if (args.value(QStringLiteral("is_active")).isBool())
                c.isActive = args.value(QStringLiteral("is_active")).toBool();
            auto updated = s.update(app.id, c);
            done(updated ? QJsonValue(QJsonObject{{QStringLiteral("app"), brief(updated.value())}}) : QJsonValue(fail(updated.error())));
        },
        svc);

    addOwned("delete_mini_app", QStringLiteral("Delete a mini-app with all its files, storage and snapshots."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}}, {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const Status st = s.remove(app.id);
            done(st ? QJsonValue(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("message"), QStringLiteral("Deleted %1").arg(app.name)}})
                    : QJsonValue(fail(st.error())));
        },
        svc);

    add("list_mini_apps", QStringLiteral("List your mini-apps."), toolschema::object({}, {}),
        [fail](MiniAppService &s, const ToolContext &ctx, const QJsonObject &, ToolDone done) {
            auto list = s.list(ctx.kinId);
            if (!list)
                return done(fail(list.error()));
            QJsonArray out;
            for (const MiniApp &a : list.value())
                out.append(brief(a));
            done(QJsonObject{{QStringLiteral("apps"), out}});
        },
        svc);

    addOwned("write_mini_app_file",
        QStringLiteral("Write a file of a mini-app (index.html, app.json, components/*.jsx, styles, _server.js for a backend, …). Every "
                       "write reloads open views and the backend."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()},
                            {QStringLiteral("path"), prop(QStringLiteral("string"), QStringLiteral("Relative path, e.g. index.html or src/app.jsx"))},
                            {QStringLiteral("content"), prop(QStringLiteral("string"), QStringLiteral("The file content (text, or base64 with is_base64)"))},
                            {QStringLiteral("is_base64"), prop(QStringLiteral("boolean"), QStringLiteral("content is base64 (binary files)"))}},
                           {QStringLiteral("app_id"), QStringLiteral("path"), QStringLiteral("content")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const QString path = args.value(QStringLiteral("path")).toString();
            QByteArray content = args.value(QStringLiteral("content")).toString().toUtf8();
            if (args.value(QStringLiteral("is_base64")).toBool()) {
                auto decoded = QByteArray::fromBase64Encoding(content, QByteArray::AbortOnBase64DecodingErrors);
                if (!decoded)
                    return done(error(QStringLiteral("content is not valid base64")));
                content = *decoded;
            }
            auto written = s.writeFile(app.id, path, content);
            if (!written)
                return done(fail(written.error()));
            done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("path"), path}, {QStringLiteral("size"), written->size},
                             {QStringLiteral("version"), written->version}});
        },
        svc);

    addOwned("read_mini_app_file", QStringLiteral("Read a file of a mini-app (text files as text, others as base64)."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("path"), prop(QStringLiteral("string"), QStringLiteral("Relative path"))}},
                           {QStringLiteral("app_id"), QStringLiteral("path")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const QString path = args.value(QStringLiteral("path")).toString();
            auto content = s.readFile(app.id, path);
            if (!content)
                return done(fail(content.error()));
            if (isTextFile(path))
                return done(QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("content"), QString::fromUtf8(content.value())}});
            done(QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("content"), QString::fromLatin1(content->toBase64())},
                             {QStringLiteral("isBase64"), true}});
        },
        svc);

    addOwned("delete_mini_app_file", QStringLiteral("Delete a file of a mini-app."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("path"), prop(QStringLiteral("string"), QStringLiteral("Relative path"))}},
                           {QStringLiteral("app_id"), QStringLiteral("path")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            auto version = s.deleteFile(app.id, args.value(QStringLiteral("path")).toString());
            done(version ? QJsonValue(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("version"), version.value()}})
                         : QJsonValue(fail(version.error())));
        },
        svc);

    addOwned("list_mini_app_files", QStringLiteral("List the files of a mini-app with their sizes."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}}, {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            auto files = s.listFiles(app.id);
            if (!files)
                return done(fail(files.error()));
            QJsonArray out;
            for (const MiniAppFile &f : files.value())
                out.append(f.toJson());
            done(QJsonObject{{QStringLiteral("files"), out}});
        },
        svc);

    const QJsonObject keyProp = prop(QStringLiteral("string"), QStringLiteral("Storage key"));
    addOwned("get_mini_app_storage", QStringLiteral("Read a value of a mini-app's key-value storage (shared by its page and its backend)."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("key"), keyProp}}, {QStringLiteral("app_id"), QStringLiteral("key")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const QString key = args.value(QStringLiteral("key")).toString();
            auto value = s.storage().get(app.id, key);
            if (!value)
                return done(fail(value.error()));
            const QJsonValue parsed = value.value() ? QJsonDocument::fromJson("[" + *value.value() + "]").array().at(0) : QJsonValue();
            done(QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("value"), parsed}, {QStringLiteral("found"), bool(value.value())}});
        },
        svc);

    addOwned("set_mini_app_storage", QStringLiteral("Store a JSON value in a mini-app's key-value storage."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("key"), keyProp},
                            {QStringLiteral("value"), QJsonObject{{QStringLiteral("description"), QStringLiteral("Any JSON value")}}}},
                           {QStringLiteral("app_id"), QStringLiteral("key"), QStringLiteral("value")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const QString key = args.value(QStringLiteral("key")).toString();
            const Status st = s.storage().set(app.id, key, json::valueText(args.value(QStringLiteral("value"))));
            done(st ? QJsonValue(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("key"), key}}) : QJsonValue(fail(st.error())));
        },
        svc);

    addOwned("delete_mini_app_storage", QStringLiteral("Delete a key of a mini-app's storage."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("key"), keyProp}}, {QStringLiteral("app_id"), QStringLiteral("key")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const QString key = args.value(QStringLiteral("key")).toString();
            auto removed = s.storage().remove(app.id, key);
            if (!removed)
                return done(fail(removed.error()));
            done(QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("deleted"), removed.value()},
                             {QStringLiteral("message"), removed.value() ? QStringLiteral("Deleted") : QStringLiteral("No such key")}});
        },
        svc);

    addOwned("list_mini_app_storage", QStringLiteral("List the keys of a mini-app's storage with their sizes."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}}, {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            auto keys = s.storage().list(app.id);
            if (!keys)
                return done(fail(keys.error()));
            QJsonArray out;
            for (const StorageEntryInfo &k : keys.value())
                out.append(QJsonObject{{QStringLiteral("key"), k.key}, {QStringLiteral("size"), k.size}});
            done(QJsonObject{{QStringLiteral("keys"), out}, {QStringLiteral("count"), int(out.size())}});
        },
        svc);

    addOwned("clear_mini_app_storage", QStringLiteral("Delete every key of a mini-app's storage."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}}, {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            auto n = s.storage().clear(app.id);
            done(n ? QJsonValue(QJsonObject{{QStringLiteral("cleared"), n.value()}, {QStringLiteral("message"), QStringLiteral("%1 keys deleted").arg(n.value())}})
                   : QJsonValue(fail(n.error())));
        },
        svc);

    addOwned("create_mini_app_snapshot", QStringLiteral("Save a snapshot of a mini-app's files (do it before risky changes)."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("label"), prop(QStringLiteral("string"), QStringLiteral("What this version is"))}},
                           {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            auto snap = s.createSnapshot(app.id, optionalText(args, "label"));
            if (!snap)
                return done(fail(snap.error()));
            done(QJsonObject{{QStringLiteral("version"), snap->version},
                             {QStringLiteral("label"), snap->label ? QJsonValue(*snap->label) : QJsonValue()},
                             {QStringLiteral("fileCount"), int(snap->files.size())},
                             {QStringLiteral("message"), QStringLiteral("Snapshot of version %1 saved").arg(snap->version)}});
        },
        svc);

    addOwned("list_mini_app_snapshots", QStringLiteral("List the snapshots of a mini-app."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}}, {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            auto snaps = s.snapshots(app.id);
            if (!snaps)
                return done(fail(snaps.error()));
            QJsonArray out;
            for (const MiniAppSnapshot &sn : snaps.value())
                out.append(sn.toJson());
            done(QJsonObject{{QStringLiteral("currentVersion"), app.version}, {QStringLiteral("snapshots"), out}});
        },
        svc);

    QJsonObject versionProp = prop(QStringLiteral("integer"), QStringLiteral("The snapshot's version"));
    versionProp.insert(QStringLiteral("minimum"), 1);
    addOwned("rollback_mini_app", QStringLiteral("Restore a mini-app's files from a snapshot (the current files are snapshotted first)."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("version"), versionProp}},
                           {QStringLiteral("app_id"), QStringLiteral("version")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const QJsonValue v = args.value(QStringLiteral("version"));
            if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < 1)
                return done(error(QStringLiteral("version must be a positive integer")));
            auto message = s.rollback(app.id, v.toInt());
            done(message ? QJsonValue(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("message"), message.value()}})
                         : QJsonValue(fail(message.error())));
        },
        svc);

    addOwned("generate_mini_app_icon",
        QStringLiteral("Draw an icon for a mini-app with the image provider. It may cost money: ask the user first."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}}, {QStringLiteral("app_id")}),
        [fail, prov](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            if (!prov)
                return done(error(QStringLiteral("No image provider")));
            QPointer<MiniAppService> service(&s);
            const QString appId = app.id;
            prov->generateImage(MiniAppService::iconPrompt(app), {}, {}, QStringLiteral("IMAGE_GENERATION_FAILED"), [service, appId, done, fail](Result<llm::GeneratedImage> image) {
                if (!image)
                    return done(fail(image.error()));
                if (!service)
                    return done(error(QStringLiteral("Mini-apps are not available")));
                auto updated = service->setIcon(appId, image->data, image->mediaType);
                done(updated ? QJsonValue(QJsonObject{{QStringLiteral("iconUrl"), updated->iconUrl.value_or(QString())},
                                                      {QStringLiteral("message"), QStringLiteral("Icon generated")}})
                             : QJsonValue(fail(updated.error())));
            });
        },
        svc);

    QJsonObject levelProp = prop(QStringLiteral("string"), QStringLiteral("Only this level"));
    levelProp.insert(QStringLiteral("enum"), QJsonArray{QStringLiteral("log"), QStringLiteral("warn"), QStringLiteral("error")});
    addOwned("get_mini_app_console", QStringLiteral("Read what a mini-app printed to its browser console (errors first to debug it)."),
        toolschema::object({{QStringLiteral("app_id"), appIdProp()}, {QStringLiteral("level"), levelProp},
                            {QStringLiteral("clear"), prop(QStringLiteral("boolean"), QStringLiteral("Empty the console after reading"))}},
                           {QStringLiteral("app_id")}),
        [fail](MiniAppService &s, const MiniApp &app, const QJsonObject &args, ToolDone done) {
            const auto all = s.console().entries(app.id);
            int errors = 0, warnings = 0, logs = 0;
            QJsonArray out;
            const QString level = args.value(QStringLiteral("level")).toString();
            for (const MiniAppConsole::Entry &e : all) {
                (e.level == QLatin1String("error") ? errors : e.level == QLatin1String("warn") ? warnings : logs)++;
                if (!level.isEmpty() && e.level != level)
                    continue;
                out.append(QJsonObject{{QStringLiteral("level"), e.level},
                                       {QStringLiteral("message"), e.args.join(QLatin1Char(' '))},
                                       {QStringLiteral("stack"), e.stack ? QJsonValue(*e.stack) : QJsonValue()},
                                       {QStringLiteral("timestamp"), json::isoMs(e.timestamp)}});
            }
            if (args.value(QStringLiteral("clear")).toBool())
                s.console().clear(app.id);
            QJsonObject result{{QStringLiteral("entries"), out},
                               {QStringLiteral("summary"), QJsonObject{{QStringLiteral("total"), int(all.size())}, {QStringLiteral("errors"), errors},
                                                                       {QStringLiteral("warnings"), warnings}, {QStringLiteral("logs"), logs}}}};
            if (all.isEmpty())
                result.insert(QStringLiteral("note"), QStringLiteral("Nothing yet: the console fills while the app is open in the user's window."));
            done(result);
        },
        svc);

    add("get_mini_app_templates", QStringLiteral("List the starter templates, or get one with all its files."),
        toolschema::object({{QStringLiteral("template_id"), prop(QStringLiteral("string"), QStringLiteral("A template's id for its files"))}}, {}),
        [](MiniAppService &, const ToolContext &, const QJsonObject &args, ToolDone done) {
            const QString id = args.value(QStringLiteral("template_id")).toString();
            if (!id.isEmpty()) {
                auto t = miniapptemplates::find(id);
                return done(t ? QJsonValue(QJsonObject{{QStringLiteral("template"), miniapptemplates::fullJson(*t)}})
                              : QJsonValue(error(QStringLiteral("Unknown template \"%1\"").arg(id))));
            }
            QJsonArray out;
            for (const auto &t : miniapptemplates::all())
                out.append(miniapptemplates::metadataJson(t));
            done(QJsonObject{{QStringLiteral("templates"), out}});
        },
        svc);

    QJsonObject sectionProp = prop(QStringLiteral("string"), QStringLiteral("Which part (default all)"));
    sectionProp.insert(QStringLiteral("enum"), QJsonArray::fromStringList(miniapptemplates::docSections() << QStringLiteral("all")));
    add("get_mini_app_docs", QStringLiteral("The mini-app SDK documentation: read it before building an app."),
        toolschema::object({{QStringLiteral("section"), sectionProp}}, {}),
        [](MiniAppService &, const ToolContext &, const QJsonObject &args, ToolDone done) {
            const QString section = args.value(QStringLiteral("section")).toString(QStringLiteral("all"));
            auto text = miniapptemplates::docs(section);
            done(text ? QJsonValue(QJsonObject{{QStringLiteral("section"), section}, {QStringLiteral("docs"), *text}})
                      : QJsonValue(error(QStringLiteral("Unknown section \"%1\"").arg(section))));
        },
        svc);

    add("browse_mini_apps", QStringLiteral("Every active mini-app of every Kin (to reuse ideas or open one with KinBot.openApp)."),
        toolschema::object({}, {}),
        [fail](MiniAppService &s, const ToolContext &, const QJsonObject &, ToolDone done) {
            auto list = s.list(QString());
            if (!list)
                return done(fail(list.error()));
            const QJsonArray summaries = s.summaries(list.value());
            QJsonArray out;
            for (const QJsonValue &v : summaries) {
                const QJsonObject a = v.toObject();
                QJsonObject o;
                for (const char *k : {"id", "name", "slug", "description", "icon", "kinId", "kinName", "hasBackend", "version"})
                    o.insert(QLatin1String(k), a.value(QLatin1String(k)));
                out.append(o);
            }
            done(QJsonObject{{QStringLiteral("total"), int(out.size())}, {QStringLiteral("apps"), out}});
        },
        svc);
}

} // namespace kinbot
