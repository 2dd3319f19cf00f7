-- MCP servers (engine.md §10.4, rest.md §3.12): external tool servers the Kins may use. transport 'stdio' runs
-- `command args…` with `env` added to the environment; 'http' posts JSON-RPC to `url` (Streamable HTTP) with `headers`.
-- env and headers may carry secrets: each is one JSON object sealed with the data dir's key (SecretBox, context
-- "mcp:<id>:env" / "mcp:<id>:headers"), NULL when empty. A server a Kin adds waits in 'pending_approval' until a user
-- approves it. Times are epoch milliseconds.
CREATE TABLE mcp_servers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    transport TEXT NOT NULL DEFAULT 'stdio' CHECK (transport IN ('stdio', 'http')),
    command TEXT NOT NULL DEFAULT '',
    args TEXT NOT NULL DEFAULT '[]',
    url TEXT NOT NULL DEFAULT '',
    env TEXT,
    headers TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending_approval')),
    created_by_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX mcp_servers_created_by_idx ON mcp_servers(created_by_kin_id);

-- The servers linked to a Kin (PATCH /api/kins/:id {mcpServerIds}); toolConfig.mcpAccess narrows a server to some tools.
CREATE TABLE kin_mcp_servers (
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    mcp_server_id TEXT NOT NULL REFERENCES mcp_servers(id) ON DELETE CASCADE,
    PRIMARY KEY (kin_id, mcp_server_id)
) STRICT;
CREATE INDEX kin_mcp_servers_server_idx ON kin_mcp_servers(mcp_server_id);
