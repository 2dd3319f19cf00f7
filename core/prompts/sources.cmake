# Sources of human prompts and the notifications REST side (core/prompts, core/notifications): prompt storage and
# answers, prompt_human, /api/prompts and /api/notifications, notification retention; relative to core/.
set(KINBOT_PROMPTS_SOURCES
  api/NotificationsController.cpp api/NotificationsController.h
  api/PromptsController.cpp api/PromptsController.h
  engine/tools/PromptTools.cpp engine/tools/PromptTools.h
  notifications/NotificationRetention.cpp notifications/NotificationRetention.h
  prompts/HumanPrompt.cpp prompts/HumanPrompt.h
  prompts/PromptService.cpp prompts/PromptService.h
)
