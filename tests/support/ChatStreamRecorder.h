#pragma once

#include "llm/LlmClient.h"

#include <QPointer>
#include <QStringList>

#include <optional>

namespace kinbot::test {

// Records everything a ChatStream emits, in order, for assertions.
class ChatStreamRecorder
{
public:
    explicit ChatStreamRecorder(kinbot::llm::ChatStream *stream);

    // Spins the event loop until finished or failed arrived. False on timeout.
    bool wait(int timeoutMs = 5000);
    bool done() const { return finishedCount + failedCount > 0; }

    QPointer<kinbot::llm::ChatStream> stream;
    QStringList texts;
    QList<QPair<QString, QString>> started;      // (id, name)
    QList<kinbot::llm::ToolCall> ready;
    QStringList events;                          // "text", "started", "ready", "finished", "failed" in arrival order
    std::optional<kinbot::llm::ChatResult> result;
    std::optional<kinbot::llm::LlmError> error;
    int finishedCount = 0;
    int failedCount = 0;
};

} // namespace kinbot::test
