#include "engine/tools/FileStorageTools.h"

#include "crypto/PasswordHasher.h"
#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "files/FileStorage.h"
#include "kins/KinService.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QThreadPool>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

// The Kin's own stored file, or an error result (another Kin's file looks like a missing one).
Result<StoredFile> ownFile(FileStorage &storage, const ToolContext &ctx, const QJsonObject &args)
{
    auto f = storage.find(args.value(QStringLiteral("id")).toString());
    if (!f || f->kinId != ctx.kinId)
        return ApiError::notFound(QStringLiteral("FILE_NOT_FOUND"), QStringLiteral("No stored file with this id"));
    return f;
}

// Options shared by store_file and update_stored_file; the password is hashed by the caller.
Result<StoredFileChange> optionsFrom(const QJsonObject &args)
{
    StoredFileChange c;
    if (args.value(QStringLiteral("name")).isString())
        c.name = args.value(QStringLiteral("name")).toString();
    if (args.value(QStringLiteral("description")).isString())
        c.description = args.value(QStringLiteral("description")).toString();
    if (args.value(QStringLiteral("isPublic")).isBool())
        c.isPublic = args.value(QStringLiteral("isPublic")).toBool();
    if (args.value(QStringLiteral("readAndBurn")).isBool())
        c.readAndBurn = args.value(QStringLiteral("readAndBurn")).toBool();
    const QJsonValue expires = args.value(QStringLiteral("expiresIn"));
    if (expires.isDouble()) {
        if (expires.toDouble() < 0)
            return ApiError::validation(QStringLiteral("expiresIn is a number of minutes (0 = never)"));
        c.expiresInMinutes = qint64(expires.toDouble());
    }
    return c;
}

// Hashes args.password (when given) off the main thread, then continues with the change.
void withPassword(QThreadPool &pool, const QJsonObject &args, StoredFileChange change, std::function<void(StoredFileChange)> next)
{
    const QJsonValue pw = args.value(QStringLiteral("password"));
    if (!pw.isString()) {
        if (pw.isNull())
            change.passwordHash = QString();
        return next(change);
    }
    if (pw.toString().isEmpty()) {
        change.passwordHash = QString();
        return next(change);
    }
    auto *context = new QObject; // lives until the continuation ran on the main thread
    QPointer<QObject> guard(context);
    pool.start([guard, password = pw.toString(), change, next]() mutable {
        change.passwordHash = passwords::hash(password);
        QMetaObject::invokeMethod(guard.data(), [guard, change, next] {
            next(change);
            guard->deleteLater();
        }, Qt::QueuedConnection);
    });
}

QJsonObject optionProps()
{
    return {{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Display name"))},
            {QStringLiteral("description"), prop(QStringLiteral("string"), QStringLiteral("What the file is"))},
            {QStringLiteral("isPublic"), prop(QStringLiteral("boolean"), QStringLiteral("false = the link works only for signed-in users"))},
            {QStringLiteral("password"), prop(QStringLiteral("string"), QStringLiteral("Protect the link with a password"))},
            {QStringLiteral("expiresIn"), prop(QStringLiteral("number"), QStringLiteral("Minutes until the link and file expire (0 = never)"))},
            {QStringLiteral("readAndBurn"), prop(QStringLiteral("boolean"), QStringLiteral("Delete the file after its first download"))}};
}

} // namespace

void registerFileStorageTools(ToolRegistry &registry, const FileStorageToolDeps &deps)
{
    QJsonObject storeProps = optionProps();
    storeProps.insert(QStringLiteral("path"), prop(QStringLiteral("string"), QStringLiteral("A file of your workspace (relative path)")));
    storeProps.insert(QStringLiteral("content"), prop(QStringLiteral("string"), QStringLiteral("Text to store instead of a workspace file")));
    storeProps.insert(QStringLiteral("fileName"), prop(QStringLiteral("string"), QStringLiteral("File name when storing content")));

    registry.add({QStringLiteral("store_file"), QStringLiteral("file-storage"),
                  QStringLiteral("Store a file (from your workspace, or text you give) and get a shareable link, optionally with a "
                                 "password, an expiry or read-and-burn."),
                  toolschema::object(storeProps, {}), ToolDefinition::MainOnly, false, false,
                  [deps](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto kin = deps.kins.resolve(ctx.kinId);
                      if (!kin)
                          return done(error(kin.error().message));
                      QByteArray data;
                      QString fileName;
                      if (args.value(QStringLiteral("path")).isString()) {
                          // Only inside the workspace: the canonical path must stay under it (no .., no symlink escape).
                          const QString root = QDir(kin->workspacePath).canonicalPath();
                          const QFileInfo info(QDir(kin->workspacePath).filePath(args.value(QStringLiteral("path")).toString()));
                          const QString canonical = info.canonicalFilePath();
                          if (root.isEmpty() || canonical.isEmpty() || !canonical.startsWith(root + QLatin1Char('/')) || !info.isFile())
                              return done(error(QStringLiteral("path must name a file inside your workspace")));
                          QFile f(canonical);
                          if (info.size() > FileStorage::kMaxFileBytes || !f.open(QIODevice::ReadOnly))
                              return done(error(QStringLiteral("The file cannot be stored (unreadable or over 100 MB)")));
                          data = f.readAll();
                          fileName = info.fileName();
                      } else if (args.value(QStringLiteral("content")).isString()) {
                          data = args.value(QStringLiteral("content")).toString().toUtf8();
                          fileName = args.value(QStringLiteral("fileName")).toString(QStringLiteral("note.txt"));
                      } else {
                          return done(error(QStringLiteral("Give either path (a workspace file) or content")));
                      }
                      auto options = optionsFrom(args);
                      if (!options)
                          return done(error(options.error().message));
                      const QString kinId = kin->id;
                      withPassword(deps.cpuPool, args, options.value(), [deps, kinId, fileName, data, done](StoredFileChange c) {
                          auto stored = deps.storage.create(kinId, fileName, data, c, kinId, {});
                          if (!stored)
                              return done(error(stored.error().message));
                          done(QJsonObject{{QStringLiteral("file"), stored->toJson(deps.publicUrl())}});
                      });
                  }});

    registry.add({QStringLiteral("get_stored_file"), QStringLiteral("file-storage"),
                  QStringLiteral("Details and link of one of your stored files."),
                  toolschema::object({{QStringLiteral("id"), prop(QStringLiteral("string"), QStringLiteral("Stored file id"))}}, {QStringLiteral("id")}),
                  ToolDefinition::MainOnly, false, true, [deps](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto f = ownFile(deps.storage, ctx, args);
                      if (!f)
                          return done(error(f.error().message));
                      done(QJsonObject{{QStringLiteral("file"), f->toJson(deps.publicUrl())}});
                  }});

    auto listing = [deps](const QList<StoredFile> &files) {
        QJsonArray out;
        for (const StoredFile &f : files)
            out.append(f.toJson(deps.publicUrl()));
        return QJsonObject{{QStringLiteral("files"), out}};
    };
    registry.add({QStringLiteral("list_stored_files"), QStringLiteral("file-storage"), QStringLiteral("List your stored files, newest first."),
                  toolschema::object({}, {}), ToolDefinition::MainOnly, false, true,
                  [deps, listing](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto files = deps.storage.list(ctx.kinId);
                      if (!files)
                          return done(error(files.error().message));
                      done(listing(files.value()));
                  }});
    registry.add({QStringLiteral("search_stored_files"), QStringLiteral("file-storage"),
                  QStringLiteral("Find your stored files by name or description."),
                  toolschema::object({{QStringLiteral("query"), prop(QStringLiteral("string"), QStringLiteral("Words to look for"))}},
                                     {QStringLiteral("query")}),
                  ToolDefinition::MainOnly, false, true, [deps, listing](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString query = args.value(QStringLiteral("query")).toString().trimmed();
                      if (query.isEmpty())
                          return done(error(QStringLiteral("query is required")));
                      auto files = deps.storage.search(ctx.kinId, query);
                      if (!files)
                          return done(error(files.error().message));
                      done(listing(files.value()));
                  }});

    QJsonObject updateProps = optionProps();
    updateProps.insert(QStringLiteral("id"), prop(QStringLiteral("string"), QStringLiteral("Stored file id")));
    registry.add({QStringLiteral("update_stored_file"), QStringLiteral("file-storage"),
                  QStringLiteral("Change a stored file's name, description, visibility, password (empty removes it) or expiry."),
                  toolschema::object(updateProps, {QStringLiteral("id")}), ToolDefinition::MainOnly, false, false,
                  [deps](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto f = ownFile(deps.storage, ctx, args);
                      if (!f)
                          return done(error(f.error().message));
                      auto options = optionsFrom(args);
                      if (!options)
                          return done(error(options.error().message));
                      withPassword(deps.cpuPool, args, options.value(), [deps, id = f->id, done](StoredFileChange c) {
                          auto updated = deps.storage.update(id, c);
                          if (!updated)
                              return done(error(updated.error().message));
                          done(QJsonObject{{QStringLiteral("file"), updated->toJson(deps.publicUrl())}});
                      });
                  }});
    registry.add({QStringLiteral("delete_stored_file"), QStringLiteral("file-storage"),
                  QStringLiteral("Delete one of your stored files (its link stops working)."),
                  toolschema::object({{QStringLiteral("id"), prop(QStringLiteral("string"), QStringLiteral("Stored file id"))}}, {QStringLiteral("id")}),
                  ToolDefinition::MainOnly, false, false, [deps](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto f = ownFile(deps.storage, ctx, args);
                      if (!f)
                          return done(error(f.error().message));
                      if (Status st = deps.storage.remove(f->id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});
}

} // namespace kinbot
