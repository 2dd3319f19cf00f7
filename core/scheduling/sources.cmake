# Sources of scheduling (core/scheduling): cron expressions, the in-process scheduler, wake-ups and their tools; relative to core/.
set(KINBOT_SCHEDULING_SOURCES
  engine/tools/WakeupTools.cpp engine/tools/WakeupTools.h
  scheduling/CronExpression.cpp scheduling/CronExpression.h
  scheduling/Scheduler.cpp scheduling/Scheduler.h
  scheduling/WakeupService.cpp scheduling/WakeupService.h
  scheduling/WakeupStore.cpp scheduling/WakeupStore.h
)
