#pragma once

#include <QList>

#include <memory>

namespace kinbot {

class McpService;
class ToolRegistry;
struct KinRecord;
struct ToolDefinition;

// add_mcp_server, update_mcp_server, remove_mcp_server, list_mcp_servers (engine.md §10.2), main conversations only.
// A server a Kin adds waits for a user's approval (unless KINBOT_MCP_REQUIRE_APPROVAL=0); a Kin changes or removes only
// the servers it added.
void registerMcpTools(ToolRegistry &registry, McpService &mcp);

// The Kin's MCP tools for one turn (engine.md §10.4): mcp_<server>_<tool>, description "[MCP: <server>] …", the
// server's input schema; a call goes through the server's pooled connection and answers the result's text or {error}.
QList<std::shared_ptr<const ToolDefinition>> mcpTurnTools(McpService &mcp, const KinRecord &kin);

} // namespace kinbot
