#include "engine/tools/KnowledgeTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "knowledge/KnowledgeService.h"

#include <QJsonArray>
#include <QPointer>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

void registerKnowledgeTools(ToolRegistry &registry, KnowledgeService &knowledge)
{
    QPointer<KnowledgeService> service(&knowledge);
    QJsonObject limit = prop(QStringLiteral("integer"), QStringLiteral("How many passages (default 5, at most 20)"));
    limit.insert(QStringLiteral("minimum"), 1);
    limit.insert(QStringLiteral("maximum"), 20);
    registry.add({QStringLiteral("search_knowledge"), QStringLiteral("knowledge"),
                  QStringLiteral("Search your knowledge base (documents, pages and notes given to you) for passages relevant to a "
                                 "query, by meaning and by keywords."),
                  toolschema::object({{QStringLiteral("query"), prop(QStringLiteral("string"), QStringLiteral("What to look for"))},
                                      {QStringLiteral("limit"), limit}},
                                     {QStringLiteral("query")}),
                  ToolDefinition::MainOnly, false, true,
                  [service](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      const QString query = args.value(QStringLiteral("query")).toString().trimmed();
                      if (query.isEmpty())
                          return done(error(QStringLiteral("query is required")));
                      const int n = args.value(QStringLiteral("limit")).isDouble() ? args.value(QStringLiteral("limit")).toInt()
                                                                                   : KnowledgeService::kDefaultSearchLimit;
                      if (!service)
                          return done(error(QStringLiteral("The knowledge base is not available")));
                      service->search(ctx.kinId, query, qBound(1, n, 20), service, [done](Result<QList<KnowledgeHit>> hits) {
                          if (!hits)
                              return done(error(hits.error().message));
                          QJsonArray out;
                          for (const KnowledgeHit &h : hits.value())
                              out.append(QJsonObject{{QStringLiteral("content"), h.content},
                                                     {QStringLiteral("sourceId"), h.sourceId},
                                                     {QStringLiteral("sourceName"), h.sourceName},
                                                     {QStringLiteral("position"), h.position},
                                                     {QStringLiteral("score"), h.score}});
                          done(QJsonObject{{QStringLiteral("results"), out}, {QStringLiteral("count"), int(out.size())}});
                      });
                  }});

    registry.add({QStringLiteral("list_knowledge_sources"), QStringLiteral("knowledge"),
                  QStringLiteral("List the sources of your knowledge base (name, type, status, size)."), toolschema::object({}, {}),
                  ToolDefinition::MainOnly, false, true, [service](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      if (!service)
                          return done(error(QStringLiteral("The knowledge base is not available")));
                      auto sources = service->list(ctx.kinId);
                      if (!sources)
                          return done(error(sources.error().message));
                      QJsonArray out;
                      for (const KnowledgeSource &s : sources.value()) {
                          QJsonObject o{{QStringLiteral("id"), s.id},           {QStringLiteral("name"), s.name},
                                        {QStringLiteral("type"), s.type},       {QStringLiteral("status"), s.status},
                                        {QStringLiteral("chunkCount"), s.chunkCount}, {QStringLiteral("tokenCount"), s.tokenCount}};
                          if (!s.sourceUrl.isEmpty())
                              o.insert(QStringLiteral("sourceUrl"), s.sourceUrl);
                          if (!s.originalFilename.isEmpty())
                              o.insert(QStringLiteral("originalFilename"), s.originalFilename);
                          if (!s.errorMessage.isEmpty())
                              o.insert(QStringLiteral("errorMessage"), s.errorMessage);
                          out.append(o);
                      }
                      done(QJsonObject{{QStringLiteral("sources"), out}});
                  }});
}

} // namespace kinbot
