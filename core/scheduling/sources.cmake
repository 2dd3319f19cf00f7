# Sources of scheduling (core/scheduling): crons and their routes, cron expressions, the in-process scheduler, wake-ups and their tools; relative to core/.
set(KINBOT_SCHEDULING_SOURCES
  api/CronsController.cpp api/CronsController.h
  engine/tools/CronTools.cpp engine/tools/CronTools.h
  engine/tools/WakeupTools.cpp engine/tools/WakeupTools.h
  scheduling/CronExpression.cpp scheduling/CronExpression.h
  scheduling/CronService.cpp scheduling/CronService.h
  scheduling/CronStore.cpp scheduling/CronStore.h
  scheduling/Scheduler.cpp scheduling/Scheduler.h
  scheduling/WakeupService.cpp scheduling/WakeupService.h
  scheduling/WakeupStore.cpp scheduling/WakeupStore.h
)
