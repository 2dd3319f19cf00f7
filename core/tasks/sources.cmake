# Sources of tasks / sub-Kins (core/tasks): rows, the service (limits, statuses, resolution), sub-Kin sessions, their tools and routes; relative to core/.
set(KINBOT_TASKS_SOURCES
  api/TasksController.cpp api/TasksController.h
  engine/tools/TaskTools.cpp engine/tools/TaskTools.h
  tasks/Task.h
  tasks/TaskService.cpp tasks/TaskService.h
  tasks/TaskSessions.cpp tasks/TaskSessions.h
  tasks/TaskStore.cpp tasks/TaskStore.h
)
