#pragma once

#include "mcp/McpClient.h"
#include "mcp/McpServer.h"
#include "mcp/McpServerStore.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>

class QNetworkAccessManager;

namespace kinbot {

class Clock;
class Database;
class EventBus;
class KinService;
class Logger;
class NotificationService;
class SecretBox;
struct KinRecord;

struct McpOptions
{
    McpTimeouts timeouts;
    bool requireApproval = true; // a server a Kin adds waits for a user's approval
};

// One tool of a server as a Kin sees it.
struct McpKinTool
{
    QString serverId;
    QString serverName;
    QString key; // mcp_<server>_<tool>
    McpToolInfo tool;
};

// MCP servers (engine.md §10.4, rest.md §3.12): their configurations (validated here), approval, and one pooled
// McpClient per active server, connected on first use and dropped when its configuration changes or it is deleted.
// Errors: 400 VALIDATION_ERROR, 404 MCP_SERVER_NOT_FOUND, 409 ALREADY_ACTIVE, 403 MCP_SERVER_NOT_OWNED (Kin tools).
// Events (broadcast): mcp-server:created|updated|deleted {serverId, mcpServerId, name, status, server} — the reference
// sends {serverId, server} from REST and {mcpServerId, name, status} from the Kin tools; both shapes are here.
class McpService final : public QObject
{
    Q_OBJECT
public:
    McpService(const Database &db, const SecretBox &box, EventBus &bus, const Clock &clock, NotificationService &notifications,
               KinService &kins, QNetworkAccessManager &network, Logger &logger, McpOptions options, QObject *parent = nullptr);
    ~McpService() override;

    static constexpr int kMaxName = 200;
    static constexpr int kMaxCommand = 500;
    static constexpr int kMaxUrl = 2000;
    static constexpr int kMaxArgs = 50;
    static constexpr int kMaxArg = 1000;
    static constexpr int kMaxEnvKeys = 50;
    static constexpr int kMaxEnvKey = 100;
    static constexpr int kMaxEnvValue = 10000;

    Result<QList<McpServerRecord>> list() const;
    Result<McpServerRecord> get(const QString &id) const;
    // draft.status/createdByKinId as given (REST). byKin: a Kin's add_mcp_server (status follows requireApproval).
    Result<McpServerRecord> create(McpServerRecord draft, bool byKin = false);
    Result<McpServerRecord> update(const QString &id, const McpServerPatch &patch);
    Result<McpServerRecord> approve(const QString &id);
    Status remove(const QString &id);

    // {connected, toolCount, error?} of the pooled connection (no connect).
    Result<QJsonObject> status(const QString &id) const;
    // A fresh connection: {connected, toolCount, tools: [names], error?}; the pooled one is left alone.
    void test(const QString &id, QObject *context, std::function<void(Result<QJsonObject>)> done);

    // POST/PATCH /api/kins bodies: mcpServerIds (array of known server ids) replaces the links; without it, servers
    // given tools in toolConfig.mcpAccess are linked too (as the reference does).
    Status checkKinBody(const QJsonObject &body) const;
    Status applyKinBody(const QString &kinId, const QJsonObject &body);
    // The Kin detail's mcpServers: [{id, name}] of its linked servers.
    QJsonArray kinServers(const QString &kinId) const;
    // GET /api/kins/:id/tools mcpTools: [{serverId, serverName, autoEnabled, tools: [{name, description, enabled}]}] of the
    // servers the Kin may use; tools known from the live connection (none listed before the first connect).
    QJsonArray kinToolListing(const KinRecord &kin) const;
    // Connects the Kin's servers (in parallel) before a turn; done() once all answered (failures are logged).
    void prepareKin(const QString &kinId, QObject *context, std::function<void()> done);
    // The tools of the Kin's connected servers (after prepareKin), filtered by its access lists.
    QList<McpKinTool> toolsFor(const KinRecord &kin) const;
    // A tools/call through the pool → the text the Kin reads, or {error} (server gone, timeout, isError).
    void callTool(const QString &serverId, const QString &toolName, const QJsonObject &args, std::function<void(QJsonValue)> done);
    // The text of a tools/call result: text parts joined by newlines (others described); isError → {error: text}.
    static QJsonValue resultText(const QJsonObject &callResult);

    const McpOptions &options() const { return m_options; }

private:
    Status validate(const McpServerRecord &s) const;
    Result<McpServerRecord> existing(const QString &id) const;
    McpClient *client(const McpServerRecord &s);
    void dropClient(const QString &id, const QString &reason);
    void publish(const QString &type, const McpServerRecord &s);
    void askApproval(const McpServerRecord &s);
    // The active servers a Kin may use (linked, in toolConfig.mcpAccess, or added by it with no access entry) with their
    // access lists (['*'] = every tool).
    QList<QPair<McpServerRecord, QStringList>> serversOf(const KinRecord &kin) const;

    McpServerStore m_store;
    EventBus &m_bus;
    const Clock &m_clock;
    NotificationService &m_notifications;
    KinService &m_kins;
    QNetworkAccessManager &m_network;
    Logger &m_logger;
    McpOptions m_options;
    QHash<QString, McpClient *> m_clients;
};

} // namespace kinbot
