#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class McpService;

// /api/mcp-servers (rest.md §3.12): MCP server configurations, approval, live status and a connection test.
class McpServersController final : public QObject
{
    Q_OBJECT
public:
    explicit McpServersController(McpService &mcp, QObject *parent = nullptr);

    void list(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void approve(const ExchangePtr &ex);
    void status(const ExchangePtr &ex);
    void test(const ExchangePtr &ex);

private:
    McpService &m_mcp;
};

} // namespace kinbot
