# Sources of the memory layer (core/memory): embeddings clients and the vector index, relative to core/.
set(KINBOT_MEMORY_SOURCES
  memory/EmbeddingClient.cpp memory/EmbeddingClient.h
  memory/EmbeddingService.cpp memory/EmbeddingService.h
  memory/EmbeddingWire.cpp memory/EmbeddingWire.h
  memory/Embeddings.h
  memory/HttpEmbeddingClient.cpp memory/HttpEmbeddingClient.h
  memory/HybridSearch.cpp memory/HybridSearch.h
  memory/MemoryExtraction.cpp memory/MemoryExtraction.h
  memory/MemoryMaintenance.cpp memory/MemoryMaintenance.h
  memory/MemoryRanking.cpp memory/MemoryRanking.h
  memory/MemoryRecord.cpp memory/MemoryRecord.h
  memory/MemoryService.cpp memory/MemoryService.h
  memory/MemoryStore.cpp memory/MemoryStore.h
  memory/VectorBlob.cpp memory/VectorBlob.h
  memory/VectorIndex.cpp memory/VectorIndex.h
  memory/VectorKernels.cpp memory/VectorKernels.h
  memory/VectorMath.cpp memory/VectorMath.h
)
