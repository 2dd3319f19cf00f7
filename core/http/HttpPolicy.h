#pragma once

#include "http/Reply.h"

#include <QSet>
#include <QString>
#include <QStringList>

namespace kinbot {

class Exchange;

// Security decisions made before any handler runs, in one place:
// - Host check (DNS-rebinding defence): only localhost names, the bound host, the public URL's host and configured hosts;
// - Origin check (CSRF defence): a state-changing request that carries a cookie must come from a trusted origin;
// - CORS for trusted origins, and the security headers every answer carries.
class HttpPolicy final
{
public:
    HttpPolicy() = default;
    // port = the bound port; publicUrl like "http://localhost:3000"; extra lists from the config.
    void configure(quint16 port, const QString &bindHost, const QString &publicUrl, const QStringList &extraOrigins,
                   const QStringList &extraHosts);

    bool isAllowedHost(const QByteArray &hostHeader) const;
    bool isTrustedOrigin(const QByteArray &origin) const;
    // True when the request needs an Origin check and fails it.
    bool failsOriginCheck(const Exchange &ex) const;
    void decorate(const Exchange &ex, Reply &reply) const;
    QStringList trustedOrigins() const { return QStringList(m_origins.begin(), m_origins.end()); }

    static bool isStateChanging(const QByteArray &method);
    static QByteArray originOf(const Exchange &ex); // Origin, or the origin part of Referer

private:
    QSet<QString> m_hosts;
    QSet<QString> m_origins;
};

} // namespace kinbot
