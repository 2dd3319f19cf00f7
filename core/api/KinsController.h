#pragma once

#include "http/Route.h"

namespace kinbot {

class ConversationEngine;
class KinService;
class SettingsStore;
class ToolRegistry;

// /api/kins: list, detail (by id or slug), create, update, delete, avatar upload.
class KinsController final
{
public:
    static constexpr qint64 kMaxAvatarBytes = 10 * 1024 * 1024;

    KinsController(KinService &kins, ToolRegistry &tools, SettingsStore &settings, ConversationEngine &engine);

    void list(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void uploadAvatar(const ExchangePtr &ex);
    void tools(const ExchangePtr &ex);
    void contextUsage(const ExchangePtr &ex);

private:
    KinService &m_kins;
    ToolRegistry &m_tools;
    SettingsStore &m_settings;
    ConversationEngine &m_engine;
};

} // namespace kinbot
