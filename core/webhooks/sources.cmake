# Sources of webhooks (core/webhooks): rows and logs, filters, task templates, deliveries, their routes and tools; relative to core/.
set(KINBOT_WEBHOOKS_SOURCES
  api/WebhooksController.cpp api/WebhooksController.h
  engine/tools/WebhookTools.cpp engine/tools/WebhookTools.h
  webhooks/PayloadFilter.cpp webhooks/PayloadFilter.h
  webhooks/PayloadPaths.cpp webhooks/PayloadPaths.h
  webhooks/TaskTemplate.cpp webhooks/TaskTemplate.h
  webhooks/Webhook.cpp webhooks/Webhook.h
  webhooks/WebhookService.cpp webhooks/WebhookService.h
  webhooks/WebhookStore.cpp webhooks/WebhookStore.h
)
