# Sources of the LLM layer (core/llm), relative to core/.
set(KINBOT_LLM_SOURCES
  llm/AnthropicChatStream.cpp llm/AnthropicChatStream.h
  llm/AnthropicClient.cpp llm/AnthropicClient.h
  llm/BaseUrl.cpp llm/BaseUrl.h
  llm/ClientSettings.h
  llm/GeminiChatStream.cpp llm/GeminiChatStream.h
  llm/GeminiClient.cpp llm/GeminiClient.h
  llm/HttpChatStream.cpp llm/HttpChatStream.h
  llm/ImageGeneration.cpp llm/ImageGeneration.h
  llm/JsonGet.cpp llm/JsonGet.h
  llm/LlmClient.cpp llm/LlmClient.h
  llm/LlmErrors.cpp llm/LlmErrors.h
  llm/LlmTypes.h
  llm/LocalProviderProbe.cpp llm/LocalProviderProbe.h
  llm/ModelClassifier.cpp llm/ModelClassifier.h
  llm/OllamaChatStream.cpp llm/OllamaChatStream.h
  llm/OllamaClient.cpp llm/OllamaClient.h
  llm/OpenAiChatStream.cpp llm/OpenAiChatStream.h
  llm/OpenAiClient.cpp llm/OpenAiClient.h
  llm/StreamParsers.cpp llm/StreamParsers.h
  llm/ToolCallArgs.cpp llm/ToolCallArgs.h
)
