#include "config/ServerConfig.h"

#include <QTimeZone>

#include <QCommandLineParser>
#include <QDir>

namespace kinbot {

QString ServerConfig::effectivePublicUrl(quint16 boundPort) const
{
    if (!publicUrl.isEmpty())
        return publicUrl.endsWith(QLatin1Char('/')) ? publicUrl.chopped(1) : publicUrl;
    return QStringLiteral("http://localhost:%1").arg(boundPort);
}

QString defaultDataDir(const QProcessEnvironment &env)
{
    QString base = env.value(QStringLiteral("XDG_DATA_HOME"));
    if (base.isEmpty())
        base = env.value(QStringLiteral("HOME"), QDir::homePath()) + QStringLiteral("/.local/share");
    return base + QStringLiteral("/kinbot");
}

static QStringList splitList(const QString &s)
{
    QStringList out;
    for (const QString &part : s.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString t = part.trimmed();
        if (!t.isEmpty())
            out.append(t);
    }
    return out;
}

Result<ConfigParse> parseServerConfig(const QStringList &arguments, const QProcessEnvironment &env)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("KinBot: persistent AI agents on your own machine."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")}, QStringLiteral("Show the version."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Data directory (env KINBOT_DATA_DIR)."), QStringLiteral("dir"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("TCP port, 0 = ephemeral (env KINBOT_PORT, default 3000)."), QStringLiteral("port"));
    const QCommandLineOption host(QStringLiteral("host"), QStringLiteral("Address to bind (env KINBOT_HOST, default 127.0.0.1)."), QStringLiteral("address"));
    const QCommandLineOption maxBody(QStringLiteral("max-body-bytes"), QStringLiteral("Largest request body accepted (env KINBOT_MAX_BODY_BYTES)."), QStringLiteral("bytes"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Do not print log lines."));
    const QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Run the server without a window (desktop app only)."));
    p.addOptions({help, version, dataDir, port, host, maxBody, quiet, headless});

    ConfigParse out;
    out.helpText = p.helpText();
    if (!p.parse(arguments))
        return ApiError::badRequest(QStringLiteral("INVALID_ARGUMENTS"), p.errorText());
    out.showHelp = p.isSet(help);
    out.showVersion = p.isSet(version);

    ServerConfig &c = out.config;
    auto pick = [&](const QCommandLineOption &opt, const char *envName) -> QString {
        if (p.isSet(opt))
            return p.value(opt);
        return env.value(QString::fromLatin1(envName));
    };

    c.dataDir = pick(dataDir, "KINBOT_DATA_DIR");
    if (c.dataDir.isEmpty())
        c.dataDir = defaultDataDir(env);
    c.dataDir = QDir(c.dataDir).absolutePath();

    const QString portStr = pick(port, "KINBOT_PORT");
    if (!portStr.isEmpty()) {
        bool ok = false;
        const uint v = portStr.toUInt(&ok);
        if (!ok || v > 65535)
            return ApiError::badRequest(QStringLiteral("INVALID_ARGUMENTS"), QStringLiteral("Invalid port: ") + portStr);
        c.port = quint16(v);
    }
    const QString hostStr = pick(host, "KINBOT_HOST");
    if (!hostStr.isEmpty())
        c.host = hostStr;

    const QString maxBodyStr = pick(maxBody, "KINBOT_MAX_BODY_BYTES");
    if (!maxBodyStr.isEmpty()) {
        bool ok = false;
        const qint64 v = maxBodyStr.toLongLong(&ok);
        if (!ok || v < 1024)
            return ApiError::badRequest(QStringLiteral("INVALID_ARGUMENTS"),
                                        QStringLiteral("Invalid max body size (at least 1024 bytes): ") + maxBodyStr);
        c.maxBodyBytes = v;
    }

    c.publicUrl = env.value(QStringLiteral("KINBOT_PUBLIC_URL"));
    c.trustedOrigins = splitList(env.value(QStringLiteral("KINBOT_TRUSTED_ORIGINS")));
    c.allowedHosts = splitList(env.value(QStringLiteral("KINBOT_ALLOWED_HOSTS")));
    const QString level = env.value(QStringLiteral("KINBOT_LOG_LEVEL")).toLower();
    if (!level.isEmpty()) {
        if (!QStringList{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warn"), QStringLiteral("error")}.contains(level))
            return ApiError::badRequest(QStringLiteral("INVALID_ARGUMENTS"), QStringLiteral("Invalid KINBOT_LOG_LEVEL: ") + level);
        c.logLevel = level;
    }
    if (const QString v = env.value(QStringLiteral("KINBOT_LOG_BUFFER_SIZE")); !v.isEmpty())
        c.logBufferSize = qBound(10, v.toInt(), 100000);
    if (const QString v = env.value(QStringLiteral("KINBOT_SSE_PING_MS")); !v.isEmpty())
        c.sseKeepAliveMs = qBound(50, v.toInt(), 3600000);
    if (const QString v = env.value(QStringLiteral("KINBOT_MEMORY_TOKEN_BUDGET")); !v.isEmpty())
        c.memoryTokenBudget = qBound(0, v.toInt(), 1000000);
    if (const QString v = env.value(QStringLiteral("KINBOT_MEMORY_MAX_RELEVANT")); !v.isEmpty())
        c.memoryMaxRelevant = qBound(1, v.toInt(), 50);
    if (const QString v = env.value(QStringLiteral("KINBOT_UPLOAD_IDLE_MS")); !v.isEmpty())
        c.uploadIdleMs = qBound(50, v.toInt(), 3600000);
    if (const QString v = env.value(QStringLiteral("KINBOT_TOOLS_MAX_STEPS")); !v.isEmpty())
        c.toolsMaxSteps = qBound(1, v.toInt(), 1000);
    if (const QString v = env.value(QStringLiteral("KINBOT_CONTEXT_WINDOW")); !v.isEmpty())
        c.contextWindow = qBound(1000, v.toInt(), 10000000);
    if (const QString v = env.value(QStringLiteral("KINBOT_MINIAPP_MAX_FILE_MB")); !v.isEmpty())
        c.miniAppMaxFileBytes = qBound(qint64(1), v.toLongLong(), qint64(1024)) * 1024 * 1024;
    if (const QString v = env.value(QStringLiteral("KINBOT_MINIAPP_MAX_APP_MB")); !v.isEmpty())
        c.miniAppMaxAppBytes = qBound(qint64(1), v.toLongLong(), qint64(10240)) * 1024 * 1024;
    if (const QString v = env.value(QStringLiteral("KINBOT_MINIAPP_PING_MS")); !v.isEmpty())
        c.miniAppPingMs = qBound(50, v.toInt(), 3600000);
    if (const QString v = env.value(QStringLiteral("KINBOT_MCP_CONNECT_TIMEOUT_MS")); !v.isEmpty())
        c.mcpConnectTimeoutMs = qBound(100, v.toInt(), 600000);
    if (const QString v = env.value(QStringLiteral("KINBOT_MCP_CALL_TIMEOUT_MS")); !v.isEmpty())
        c.mcpCallTimeoutMs = qBound(100, v.toInt(), 3600000);
    if (const QString v = env.value(QStringLiteral("KINBOT_PLUGIN_TIMEOUT_MS")); !v.isEmpty())
        c.pluginTimeoutMs = qBound(100, v.toInt(), 600000);
    if (const QString v = env.value(QStringLiteral("KINBOT_MCP_REQUIRE_APPROVAL")); !v.isEmpty())
        c.mcpRequireApproval = v != QLatin1String("0") && v.compare(QLatin1String("false"), Qt::CaseInsensitive) != 0;
    if (const QString v = env.value(QStringLiteral("KINBOT_TIMEZONE")).trimmed(); !v.isEmpty()) {
        if (!QTimeZone(v.toUtf8()).isValid())
            return ApiError::badRequest(QStringLiteral("INVALID_ARGUMENTS"), QStringLiteral("Invalid KINBOT_TIMEZONE (an IANA zone such as Europe/Paris): ") + v);
        c.timeZone = v;
    }
    c.allowPrivateNetwork = env.value(QStringLiteral("KINBOT_ALLOW_PRIVATE_NETWORK")) == QLatin1String("1");
    c.versionCheckUrl = env.value(QStringLiteral("KINBOT_VERSION_CHECK_URL"));
    if (const QString v = env.value(QStringLiteral("KINBOT_TELEGRAM_API_URL")).trimmed(); !v.isEmpty())
        c.telegramApiUrl = v;
    if (const QString v = env.value(QStringLiteral("KINBOT_SLACK_API_URL")).trimmed(); !v.isEmpty())
        c.slackApiUrl = v;
    if (const QString v = env.value(QStringLiteral("KINBOT_WHATSAPP_API_URL")).trimmed(); !v.isEmpty())
        c.whatsappApiUrl = v;
    if (const QString v = env.value(QStringLiteral("KINBOT_DISCORD_API_URL")).trimmed(); !v.isEmpty())
        c.discordApiUrl = v;
    c.discordGatewayUrl = env.value(QStringLiteral("KINBOT_DISCORD_GATEWAY_URL")).trimmed();
    c.encryptionKeyHex = env.value(QStringLiteral("KINBOT_ENCRYPTION_KEY"));
    c.authSecret = env.value(QStringLiteral("KINBOT_AUTH_SECRET"));
    c.quiet = p.isSet(quiet);
    return out;
}

} // namespace kinbot
