#include "Platform.h"

#include "api/AccountsController.h"
#include "api/AuthController.h"
#include "api/RouteTable.h"
#include "api/SettingsController.h"
#include "api/SystemController.h"
#include "auth/AccountService.h"
#include "auth/ApiKeyService.h"
#include "auth/InvitationService.h"
#include "auth/ProfileService.h"
#include "auth/SessionStore.h"
#include "crypto/EncryptionKey.h"
#include "events/EventBus.h"
#include "http/AuthGuard.h"
#include "http/Exchange.h"
#include "http/HttpServer.h"
#include "http/SseHub.h"
#include "log/Logger.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "storage/Migrator.h"
#include "system/VersionChecker.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>

static void initResources()
{
    Q_INIT_RESOURCE(migrations);
    Q_INIT_RESOURCE(web);
}

namespace kinbot {

QString kinbotVersion()
{
    return QStringLiteral(KINBOT_VERSION);
}

Platform::Platform(ServerConfig config, const Clock &clock, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_clock(clock)
{
    initResources();
    m_cpuPool.setMaxThreadCount(2); // scrypt costs 16 MiB each: bound the parallelism
    m_bus = std::make_unique<EventBus>();
    m_logger = std::make_unique<Logger>(*m_bus, m_clock, m_config.logBufferSize, logLevelFromName(m_config.logLevel), !m_config.quiet);
}

Platform::~Platform()
{
    m_http.reset(); // stop serving before the services go
    m_hub.reset();
    m_cpuPool.waitForDone();
}

QString Platform::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

Result<quint16> Platform::start()
{
    QDir dir;
    if (!dir.mkpath(m_config.dataDir))
        return ApiError::internal(QStringLiteral("Cannot create data dir ") + m_config.dataDir);
    QFile::setPermissions(m_config.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString uploadsDir = m_config.dataDir + QStringLiteral("/uploads");
    dir.mkpath(uploadsDir);

    auto key = EncryptionKey::loadOrCreate(m_config.dataDir, m_config.encryptionKeyHex);
    if (!key)
        return key.error();

    m_db = std::make_unique<Database>(m_config.dataDir + QStringLiteral("/kinbot.db"));
    // Credential caches (PrincipalCache) mirror these tables and drop their entries on any write to them.
    m_db->watchTables({QStringLiteral("user"), QStringLiteral("user_profiles"), QStringLiteral("session"), QStringLiteral("api_keys")});
    if (!m_db->connection().isOpen())
        return ApiError::internal(QStringLiteral("Cannot open the database in ") + m_config.dataDir);
    Migrator migrator(*m_db, m_clock);
    auto applied = migrator.migrate(Migrator::bundled());
    if (!applied)
        return applied.error();
    if (!applied->isEmpty())
        m_logger->info(QStringLiteral("db"), QStringLiteral("Migrations applied"), {{QStringLiteral("count"), int(applied->size())}});

    m_settings = std::make_unique<SettingsStore>(*m_db, m_clock);
    if (Status st = m_settings->load(); !st)
        return st.error();

    const QByteArray authSecret = m_config.authSecret.isEmpty() ? key->hex().toLatin1() : m_config.authSecret.toUtf8();
    m_accounts = std::make_unique<AccountService>(*m_db, m_clock);
    m_sessions = std::make_unique<SessionStore>(*m_db, m_clock, authSecret);
    m_apiKeys = std::make_unique<ApiKeyService>(*m_db, m_clock);
    m_invitations = std::make_unique<InvitationService>(*m_db, m_clock, m_config.effectivePublicUrl(m_config.port));
    m_profiles = std::make_unique<ProfileService>(*m_db, m_clock, *m_accounts, *m_invitations);
    m_guard = std::make_unique<AuthGuard>(*m_sessions, *m_apiKeys);
    m_hub = std::make_unique<SseHub>(*m_bus, m_clock, *m_logger, m_config.sseKeepAliveMs);
    m_versions = std::make_unique<VersionChecker>(*m_settings, *m_bus, m_clock, *m_logger, m_config.versionCheckUrl, kinbotVersion());

    m_authController = std::make_unique<AuthController>(*m_accounts, *m_sessions, *m_hub, m_cpuPool, m_clock, *m_logger);
    m_accountsController = std::make_unique<AccountsController>(*m_profiles, *m_accounts, *m_invitations, *m_apiKeys, *m_hub,
                                                                m_clock, *m_logger, uploadsDir);
    m_settingsController = std::make_unique<SettingsController>(*m_settings, *m_bus);
    m_systemController = std::make_unique<SystemController>(m_clock, *m_logger, *m_hub, *m_versions, uploadsDir, kinbotVersion());

    HttpServerOptions opts;
    opts.maxBodyBytes = m_config.maxBodyBytes;
    m_http = std::make_unique<HttpServer>(opts, *m_logger);
    m_http->setAuthenticator([this](Exchange &ex) { return m_guard->authenticate(ex); });
    m_http->addRoutes(buildRouteTable({*m_authController, *m_accountsController, *m_settingsController, *m_systemController}));
    m_http->setFallback([this](const ExchangePtr &ex) { m_systemController->webUi(ex); });

    auto port = m_http->start(m_config.host, m_config.port);
    if (!port)
        return port.error();
    m_port = port.value();
    const QString publicUrl = m_config.effectivePublicUrl(m_port);
    m_invitations->setPublicUrl(publicUrl);
    m_http->policy().configure(m_port, m_config.host, publicUrl, m_config.trustedOrigins, m_config.allowedHosts);
    m_logger->info(QStringLiteral("server"), QStringLiteral("Listening"),
                   {{QStringLiteral("url"), QStringLiteral("http://%1:%2").arg(m_config.host).arg(m_port)},
                    {QStringLiteral("dataDir"), m_config.dataDir}});
    return m_port;
}

} // namespace kinbot
