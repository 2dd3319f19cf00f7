# Sources of the LLM layer (core/llm), relative to core/.
set(KINBOT_LLM_SOURCES
  llm/LlmClient.h
  llm/LlmTypes.h
)
