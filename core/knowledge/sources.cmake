# Sources of the knowledge base (core/knowledge): extraction, chunking, URL fetching, the service; relative to core/.
set(KINBOT_KNOWLEDGE_SOURCES
  knowledge/Chunker.cpp knowledge/Chunker.h
  knowledge/KnowledgeService.cpp knowledge/KnowledgeService.h
  knowledge/TextExtraction.cpp knowledge/TextExtraction.h
  knowledge/UrlFetcher.cpp knowledge/UrlFetcher.h
)
