#include "util/PrivateNetwork.h"

#include <QHostAddress>
#include <QHostInfo>

namespace kinbot::netguard {

bool isPrivate(const QHostAddress &a)
{
    if (a.isLoopback() || a.isLinkLocal() || a.isMulticast() || a.isNull() || a == QHostAddress::AnyIPv4 || a == QHostAddress::AnyIPv6)
        return true;
    if (a.protocol() == QAbstractSocket::IPv4Protocol) {
        for (const auto &[net, len] : {std::pair{"10.0.0.0", 8}, std::pair{"172.16.0.0", 12}, std::pair{"192.168.0.0", 16},
                                       std::pair{"100.64.0.0", 10}, std::pair{"169.254.0.0", 16}, std::pair{"0.0.0.0", 8}})
            if (a.isInSubnet(QHostAddress(QString::fromLatin1(net)), len))
                return true;
        return false;
    }
    bool mapped = false;
    const QHostAddress v4(a.toIPv4Address(&mapped));
    if (mapped)
        return isPrivate(v4);
    return a.isInSubnet(QHostAddress(QStringLiteral("fc00::")), 7) || a.isUniqueLocalUnicast();
}

void checkHost(QObject *context, const QString &host, bool allowPrivate, std::function<void(QString)> verdict)
{
    static const QString refused = QStringLiteral("Requests to private or loopback addresses are not allowed");
    if (allowPrivate)
        return verdict({});
    QHostAddress literal;
    if (literal.setAddress(host))
        return verdict(isPrivate(literal) ? refused : QString());
    QHostInfo::lookupHost(host, context, [verdict](const QHostInfo &info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
            return verdict(QStringLiteral("Cannot resolve host: ") + info.errorString());
        for (const QHostAddress &a : info.addresses())
            if (isPrivate(a))
                return verdict(refused);
        verdict({});
    });
}

} // namespace kinbot::netguard
