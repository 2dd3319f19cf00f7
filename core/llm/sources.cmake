# Sources of the LLM layer (core/llm), relative to core/.
set(KINBOT_LLM_SOURCES
  llm/ClientSettings.h
  llm/HttpChatStream.cpp llm/HttpChatStream.h
  llm/JsonGet.cpp llm/JsonGet.h
  llm/LlmClient.cpp llm/LlmClient.h
  llm/LlmErrors.cpp llm/LlmErrors.h
  llm/LlmTypes.h
  llm/ModelClassifier.cpp llm/ModelClassifier.h
  llm/OpenAiChatStream.cpp llm/OpenAiChatStream.h
  llm/OpenAiClient.cpp llm/OpenAiClient.h
  llm/StreamParsers.cpp llm/StreamParsers.h
  llm/ToolCallArgs.cpp llm/ToolCallArgs.h
)
