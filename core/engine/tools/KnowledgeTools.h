#pragma once

namespace kinbot {

class KnowledgeService;
class ToolRegistry;

// search_knowledge {query, limit?} and list_knowledge_sources (engine.md §10.2, main sessions): a Kin only sees its
// own knowledge base.
void registerKnowledgeTools(ToolRegistry &registry, KnowledgeService &knowledge);

} // namespace kinbot
