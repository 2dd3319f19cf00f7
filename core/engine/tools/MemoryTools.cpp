#include "engine/tools/MemoryTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "memory/HybridSearch.h"
#include "memory/MemoryMaintenance.h"
#include "memory/MemoryRanking.h"
#include "memory/MemoryService.h"
#include "util/Json.h"

#include <QJsonArray>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

QJsonObject enumProp(const QString &description, const QStringList &values)
{
    QJsonObject p = prop(QStringLiteral("string"), description);
    p.insert(QStringLiteral("enum"), QJsonArray::fromStringList(values));
    return p;
}

const QStringList kCategories{QStringLiteral("fact"), QStringLiteral("preference"), QStringLiteral("decision"), QStringLiteral("knowledge")};
const QStringList kScopes{QStringLiteral("private"), QStringLiteral("shared")};

QJsonObject brief(const memory::MemoryRecord &m, qint64 nowMs)
{
    QJsonObject o{{QStringLiteral("id"), m.id},
                  {QStringLiteral("content"), m.content},
                  {QStringLiteral("category"), m.category},
                  {QStringLiteral("subject"), m.subject.isEmpty() ? QJsonValue() : QJsonValue(m.subject)},
                  {QStringLiteral("importance"), m.importanceOr5()},
                  {QStringLiteral("scope"), m.scope},
                  {QStringLiteral("age"), memory::ageText(m.updatedAt, nowMs)}};
    if (!m.sourceContext.isEmpty())
        o.insert(QStringLiteral("sourceContext"), m.sourceContext);
    return o;
}

std::optional<QString> optString(const QJsonObject &args, const QString &key)
{
    const QJsonValue v = args.value(key);
    return v.isString() ? std::optional<QString>(v.toString()) : std::nullopt;
}

} // namespace

void registerMemoryTools(ToolRegistry &registry, memory::MemoryService &memories, memory::MemoryMaintenance &maintenance)
{
    using memory::MemoryRecord;
    memory::MemoryService *m = &memories;

    registry.add({QStringLiteral("recall"), QStringLiteral("memory"),
                  QStringLiteral("Search your memories (yours and those other Kins shared) by meaning and keywords."),
                  toolschema::object({{QStringLiteral("query"), prop(QStringLiteral("string"), QStringLiteral("What to remember"))},
                                      {QStringLiteral("limit"), prop(QStringLiteral("integer"), QStringLiteral("1–20, default 10"))}},
                                     {QStringLiteral("query")}),
                  ToolDefinition::MainOnly, false, true, [m](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      memory::MemorySearchOptions o;
                      o.limit = qBound(1, args.value(QStringLiteral("limit")).toInt(10), 20);
                      m->search(ctx.kinId, args.value(QStringLiteral("query")).toString(), o, m,
                                [m, done](Result<QList<memory::ScoredMemory>> found) {
                                    if (!found)
                                        return done(error(found.error().message));
                                    QJsonArray out;
                                    QStringList ids;
                                    const qint64 now = m->nowMs();
                                    for (const memory::ScoredMemory &s : found.value()) {
                                        QJsonObject o = brief(s.memory, now);
                                        if (!s.authorKinName.isEmpty())
                                            o.insert(QStringLiteral("authorKinName"), s.authorKinName);
                                        out.append(o);
                                        ids << s.memory.id;
                                    }
                                    m->store().noteRetrieved(ids);
                                    done(QJsonObject{{QStringLiteral("memories"), out}});
                                });
                  }});

    registry.add({QStringLiteral("memorize"), QStringLiteral("memory"),
                  QStringLiteral("Save a durable memory: something still true in three months (identity, lasting preferences, "
                                 "decisions, knowledge). Private to you unless scope is shared."),
                  toolschema::object({{QStringLiteral("content"), prop(QStringLiteral("string"), QStringLiteral("The memory, one self-contained sentence"))},
                                      {QStringLiteral("category"), enumProp(QStringLiteral("Kind of memory"), kCategories)},
                                      {QStringLiteral("subject"), prop(QStringLiteral("string"), QStringLiteral("Who or what it is about"))},
                                      {QStringLiteral("importance"), prop(QStringLiteral("number"), QStringLiteral("1–10, mostly 3–7"))},
                                      {QStringLiteral("scope"), enumProp(QStringLiteral("private (default) or shared with every Kin"), kScopes)}},
                                     {QStringLiteral("content"), QStringLiteral("category")}),
                  ToolDefinition::MainOnly, false, false, [m](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      MemoryRecord r;
                      r.kinId = ctx.kinId;
                      r.content = args.value(QStringLiteral("content")).toString();
                      r.category = args.value(QStringLiteral("category")).toString();
                      r.subject = args.value(QStringLiteral("subject")).toString();
                      r.scope = args.value(QStringLiteral("scope")).toString(QStringLiteral("private"));
                      if (args.value(QStringLiteral("importance")).isDouble())
                          r.importance = qBound(1.0, args.value(QStringLiteral("importance")).toDouble(), 10.0);
                      r.sourceChannel = QStringLiteral("explicit");
                      auto created = m->create(r);
                      if (!created)
                          return done(error(created.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("memoryId"), created->id}});
                  }});

    registry.add({QStringLiteral("update_memory"), QStringLiteral("memory"),
                  QStringLiteral("Correct or enrich one of your memories."),
                  toolschema::object({{QStringLiteral("memory_id"), prop(QStringLiteral("string"), QStringLiteral("Memory id"))},
                                      {QStringLiteral("content"), prop(QStringLiteral("string"), QStringLiteral("New content"))},
                                      {QStringLiteral("category"), enumProp(QStringLiteral("New category"), kCategories)},
                                      {QStringLiteral("subject"), prop(QStringLiteral("string"), QStringLiteral("New subject"))},
                                      {QStringLiteral("scope"), enumProp(QStringLiteral("New scope"), kScopes)}},
                                     {QStringLiteral("memory_id")}),
                  ToolDefinition::MainOnly, false, false, [m](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      memory::MemoryChange c;
                      c.content = optString(args, QStringLiteral("content"));
                      c.category = optString(args, QStringLiteral("category"));
                      c.subject = optString(args, QStringLiteral("subject"));
                      c.scope = optString(args, QStringLiteral("scope"));
                      auto updated = m->update(args.value(QStringLiteral("memory_id")).toString(), ctx.kinId, c);
                      if (!updated)
                          return done(error(updated.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("memory"), brief(updated.value(), updated->updatedAt)}});
                  }});

    registry.add({QStringLiteral("forget"), QStringLiteral("memory"), QStringLiteral("Delete one of your memories."),
                  toolschema::object({{QStringLiteral("memory_id"), prop(QStringLiteral("string"), QStringLiteral("Memory id"))}},
                                     {QStringLiteral("memory_id")}),
                  ToolDefinition::MainOnly, false, false, [m](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      if (Status st = m->remove(args.value(QStringLiteral("memory_id")).toString(), ctx.kinId); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}});
                  }});

    registry.add({QStringLiteral("list_memories"), QStringLiteral("memory"),
                  QStringLiteral("List your memories (or, with scope shared, every Kin's shared ones), newest first."),
                  toolschema::object({{QStringLiteral("subject"), prop(QStringLiteral("string"), QStringLiteral("Only this subject"))},
                                      {QStringLiteral("category"), enumProp(QStringLiteral("Only this category"), kCategories)},
                                      {QStringLiteral("scope"), enumProp(QStringLiteral("shared: the shared memories of all Kins"), kScopes)}},
                                     {}),
                  ToolDefinition::MainOnly, false, true, [m](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      memory::MemoryFilter f;
                      f.scope = args.value(QStringLiteral("scope")).toString();
                      if (f.scope != QLatin1String("shared"))
                          f.kinId = ctx.kinId;
                      f.category = args.value(QStringLiteral("category")).toString();
                      f.subject = args.value(QStringLiteral("subject")).toString();
                      f.limit = 200;
                      auto list = m->list(f);
                      if (!list)
                          return done(error(list.error().message));
                      QJsonArray out;
                      const qint64 now = m->nowMs();
                      for (const MemoryRecord &r : list.value())
                          out.append(brief(r, now));
                      done(QJsonObject{{QStringLiteral("memories"), out}, {QStringLiteral("count"), int(out.size())}});
                  }});

    memory::MemoryMaintenance *mm = &maintenance;
    registry.add({QStringLiteral("review_memories"), QStringLiteral("memory"),
                  QStringLiteral("Audit your memories for contradictions, duplicates, stale facts and clutter; returns issues with "
                                 "suggestions (nothing is changed: act on them with update_memory or forget)."),
                  toolschema::object({{QStringLiteral("subject"), prop(QStringLiteral("string"), QStringLiteral("Only this subject"))},
                                      {QStringLiteral("scope"), enumProp(QStringLiteral("shared: the shared memories of all Kins"), kScopes)}},
                                     {}),
                  ToolDefinition::MainOnly, false, false, [mm](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      mm->review(ctx.kinId, args.value(QStringLiteral("subject")).toString(), args.value(QStringLiteral("scope")).toString(),
                                 [done](Result<QJsonObject> r) { done(r ? QJsonValue(r.value()) : QJsonValue(error(r.error().message))); });
                  }});

    registry.add({QStringLiteral("search_history"), QStringLiteral("memory"),
                  QStringLiteral("Full-text search over your whole main conversation, including messages no longer in view."),
                  toolschema::object({{QStringLiteral("query"), prop(QStringLiteral("string"), QStringLiteral("Words to find"))},
                                      {QStringLiteral("limit"), prop(QStringLiteral("integer"), QStringLiteral("1–50, default 10"))}},
                                     {QStringLiteral("query")}),
                  ToolDefinition::MainOnly, false, true, [m](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString query = args.value(QStringLiteral("query")).toString();
                      const int limit = qBound(1, args.value(QStringLiteral("limit")).toInt(10), 50);
                      auto hits = m->store().searchMessages(ctx.kinId, memory::ftsMatchExpression(query), limit);
                      if (hits && hits->isEmpty())
                          hits = m->store().searchMessages(ctx.kinId, memory::ftsMatchExpression(query, true), limit);
                      if (!hits)
                          return done(error(hits.error().message));
                      QJsonArray out;
                      for (const auto &h : hits.value())
                          out.append(QJsonObject{{QStringLiteral("messageId"), h.id},
                                                 {QStringLiteral("role"), h.role},
                                                 {QStringLiteral("content"), h.content.left(1000)},
                                                 {QStringLiteral("createdAt"), json::isoMs(h.createdAt)}});
                      done(QJsonObject{{QStringLiteral("results"), out}, {QStringLiteral("count"), int(out.size())}});
                  }});
}

} // namespace kinbot
