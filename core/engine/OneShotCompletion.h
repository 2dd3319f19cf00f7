#pragma once

#include "llm/LlmClient.h"
#include "util/Result.h"

#include <QObject>

#include <functional>
#include <memory>

namespace kinbot {

// One model step without tools, collected whole (configuration wizards, summaries). The client is kept alive until
// done() ran; done() runs once, on the event loop, never inside complete(). A failure maps to 502 <failureCode>.
void completeOnce(std::shared_ptr<llm::LlmClient> client, const llm::ChatRequest &request, QObject *context,
                  const QString &failureCode, std::function<void(Result<llm::ChatResult>)> done);

// The first JSON object inside a model's answer (bare, or in a ```json fence, or surrounded by prose); nullopt if none.
std::optional<QJsonObject> firstJsonObject(const QString &text);

} // namespace kinbot
