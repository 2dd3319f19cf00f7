# Sources of compacting (core/compacting) and its REST controller, relative to core/.
set(KINBOT_COMPACTING_SOURCES
  api/CompactingController.cpp api/CompactingController.h
  compacting/CompactingService.cpp compacting/CompactingService.h
  compacting/CompactingStore.cpp compacting/CompactingStore.h
)
