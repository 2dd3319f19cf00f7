# Sources of MCP servers (core/mcp): configurations, the stdio and Streamable HTTP clients, their REST routes and the
# Kins' tools; relative to core/.
set(KINBOT_MCP_SOURCES
  api/McpServersController.cpp api/McpServersController.h
  engine/tools/McpTools.cpp engine/tools/McpTools.h
  mcp/McpClient.cpp mcp/McpClient.h
  mcp/McpHttpTransport.cpp mcp/McpHttpTransport.h
  mcp/McpServer.cpp mcp/McpServer.h
  mcp/McpServerStore.cpp mcp/McpServerStore.h
  mcp/McpService.cpp mcp/McpService.h
  mcp/McpStdioTransport.cpp mcp/McpStdioTransport.h
  mcp/McpToolNames.cpp mcp/McpToolNames.h
  mcp/McpTransport.h
)
