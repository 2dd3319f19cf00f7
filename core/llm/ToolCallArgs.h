#pragma once

#include "llm/LlmTypes.h"

#include <QByteArray>

namespace kinbot::llm {

// Fills call.args from the model's argument JSON: {} for an empty string; {} plus call.argsError when it is not a
// JSON object (the engine reports that back to the model instead of running the tool).
void setToolArgs(ToolCall &call, const QByteArray &json);

// An id for a tool call when the provider gives none (Gemini, Ollama): "call_" + 24 random alphanumerics.
QString newToolCallId();

} // namespace kinbot::llm
