#pragma once

#include "http/Route.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>

#include <functional>

namespace kinbot {

class Clock;
class ConversationEngine;
class KinService;
struct KinRecord;
class SettingsStore;
class ToolRegistry;

// /api/kins: list, detail (by id or slug), create, update, delete, avatar upload.
class KinsController final
{
public:
    static constexpr qint64 kMaxAvatarBytes = 10 * 1024 * 1024;

    // Whether some configured provider can serve a model (import warnings).
    using ModelCheck = std::function<bool(const QString &model)>;

    KinsController(KinService &kins, ToolRegistry &tools, SettingsStore &settings, ConversationEngine &engine, const Clock &clock,
                   ModelCheck modelCheck);

    void list(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void uploadAvatar(const ExchangePtr &ex);
    void tools(const ExchangePtr &ex);
    void contextUsage(const ExchangePtr &ex);
    void exportArchive(const ExchangePtr &ex);
    void importArchive(const ExchangePtr &ex);

    // Adds the compacting fields (summaries, per-Kin threshold…) to GET /kins/:id/context-usage.
    using UsageDecorator = std::function<QJsonObject(const KinRecord &kin, QJsonObject usage)>;
    void setUsageDecorator(UsageDecorator decorate) { m_decorateUsage = std::move(decorate); }

    // MCP servers on the Kin routes (rest.md §3.1): POST/PATCH {mcpServerIds} (checked before, applied after the Kin is
    // saved), the detail's mcpServers [{id, name}] and the mcpTools of GET /kins/:id/tools.
    struct McpHooks
    {
        std::function<Status(const QJsonObject &body)> check;
        std::function<Status(const QString &kinId, const QJsonObject &body)> apply;
        std::function<QJsonArray(const KinRecord &kin)> servers;
        std::function<QJsonArray(const KinRecord &kin)> tools;
    };
    void setMcpHooks(McpHooks hooks) { m_mcp = std::move(hooks); }
    // Tools made outside the registry that GET /kins/:id/tools lists as extra nativeTools groups (plugins' tools).
    using ToolGroups = std::function<QJsonArray(const KinRecord &kin, bool isHub)>;
    void setExtraToolGroups(ToolGroups groups) { m_extraToolGroups = std::move(groups); }

private:
    KinService &m_kins;
    ToolRegistry &m_tools;
    SettingsStore &m_settings;
    ConversationEngine &m_engine;
    const Clock &m_clock;
    ModelCheck m_modelCheck;
    UsageDecorator m_decorateUsage;
    McpHooks m_mcp;
    ToolGroups m_extraToolGroups;

    QJsonObject detail(const KinRecord &k) const;
    // Checks and applies the MCP links of a POST/PATCH body around the save.
    Result<KinRecord> savedWithLinks(const QJsonObject &body, const std::function<Result<KinRecord>()> &save);
};

} // namespace kinbot
