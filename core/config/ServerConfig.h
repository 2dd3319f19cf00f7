#pragma once

#include "util/Result.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace kinbot {

// Everything the server needs to start, from flags and environment (flags win). See README "Configuration".
struct ServerConfig
{
    QString dataDir;                       // --data-dir / KINBOT_DATA_DIR / $XDG_DATA_HOME/kinbot
    QString host = QStringLiteral("127.0.0.1"); // --host / KINBOT_HOST
    quint16 port = 3000;                   // --port / KINBOT_PORT; 0 = ephemeral
    QString publicUrl;                     // KINBOT_PUBLIC_URL; default http://localhost:<port>
    QStringList trustedOrigins;            // KINBOT_TRUSTED_ORIGINS (comma list), added to the local origins
    QStringList allowedHosts;              // KINBOT_ALLOWED_HOSTS (comma list), added to localhost names
    qint64 maxBodyBytes = 8 * 1024 * 1024; // --max-body-bytes / KINBOT_MAX_BODY_BYTES
    QString logLevel = QStringLiteral("info"); // KINBOT_LOG_LEVEL: debug|info|warn|error
    int logBufferSize = 1000;              // KINBOT_LOG_BUFFER_SIZE
    int sseKeepAliveMs = 15000;            // KINBOT_SSE_PING_MS
    int memoryTokenBudget = 0;             // KINBOT_MEMORY_TOKEN_BUDGET: tokens of the prompt's memory block (0 = no limit)
    int memoryMaxRelevant = 10;            // KINBOT_MEMORY_MAX_RELEVANT: memories searched for the prompt's block (1–50)
    int uploadIdleMs = 30000;              // KINBOT_UPLOAD_IDLE_MS: a big upload silent this long mid-body gets 408
    QString versionCheckUrl;               // KINBOT_VERSION_CHECK_URL; empty = version check disabled
    QString encryptionKeyHex;              // KINBOT_ENCRYPTION_KEY (64 hex) instead of <dataDir>/.encryption-key
    QString authSecret;                    // KINBOT_AUTH_SECRET; default = the encryption key (as the reference does)
    int toolsMaxSteps = 100;               // KINBOT_TOOLS_MAX_STEPS: model steps per turn when the Kin has tools (1–1000)
    int contextWindow = 128000;            // KINBOT_CONTEXT_WINDOW: tokens assumed for a model's context (1000–10000000)
    qint64 miniAppMaxFileBytes = 5LL * 1024 * 1024; // KINBOT_MINIAPP_MAX_FILE_MB: one file of a mini-app
    qint64 miniAppMaxAppBytes = 50LL * 1024 * 1024; // KINBOT_MINIAPP_MAX_APP_MB: all files of a mini-app
    int miniAppPingMs = 30000;             // KINBOT_MINIAPP_PING_MS: keep-alive of the mini-app event streams
    QString timeZone;                      // KINBOT_TIMEZONE: IANA zone of cron schedules (e.g. Europe/Paris); empty = the system's
    int mcpConnectTimeoutMs = 30000;       // KINBOT_MCP_CONNECT_TIMEOUT_MS: start + initialize + tools/list of an MCP server
    int mcpCallTimeoutMs = 120000;         // KINBOT_MCP_CALL_TIMEOUT_MS: one MCP tools/call (then one reconnect-and-retry)
    int pluginTimeoutMs = 30000;           // KINBOT_PLUGIN_TIMEOUT_MS: a plugin's activation, and each of its tool calls and hooks
    bool mcpRequireApproval = true;        // KINBOT_MCP_REQUIRE_APPROVAL=0: servers a Kin adds are active at once
    bool allowPrivateNetwork = false;      // KINBOT_ALLOW_PRIVATE_NETWORK=1: http_request may reach loopback/LAN hosts
    QString telegramApiUrl = QStringLiteral("https://api.telegram.org"); // KINBOT_TELEGRAM_API_URL: Bot API base (tests: a fake)
    QString slackApiUrl = QStringLiteral("https://slack.com/api"); // KINBOT_SLACK_API_URL: Web API base (tests: a fake)
    QString whatsappApiUrl = QStringLiteral("https://graph.facebook.com/v21.0"); // KINBOT_WHATSAPP_API_URL: Graph API base (tests: a fake)
    QString discordApiUrl = QStringLiteral("https://discord.com/api/v10"); // KINBOT_DISCORD_API_URL: REST base (tests: a fake)
    QString discordGatewayUrl; // KINBOT_DISCORD_GATEWAY_URL: the Gateway to connect to; empty = the one GET /gateway/bot names
    bool quiet = false;                    // --quiet: no log lines on stderr

    QString effectivePublicUrl(quint16 boundPort) const;
};

struct ConfigParse
{
    ServerConfig config;
    bool showHelp = false;
    bool showVersion = false;
    QString helpText;
};

// Parses argv (program name first) and the environment. Unknown flags or bad values give a BadRequest error with the reason.
Result<ConfigParse> parseServerConfig(const QStringList &arguments, const QProcessEnvironment &env);

// $XDG_DATA_HOME/kinbot (or ~/.local/share/kinbot).
QString defaultDataDir(const QProcessEnvironment &env);

} // namespace kinbot
