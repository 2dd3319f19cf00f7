#pragma once

#include <QString>

#include <functional>

class QHostAddress;
class QObject;

// The SSRF defence of everything that fetches a URL a Kin or a user chose (http_request, knowledge URL sources):
// loopback, private, link-local, CGNAT, multicast and unspecified addresses are refused unless the server was started
// with KINBOT_ALLOW_PRIVATE_NETWORK=1.
namespace kinbot::netguard {

bool isPrivate(const QHostAddress &address);

// Calls verdict with an error text when host is (or resolves to) a private address, or with "" when it may be
// reached. The lookup answers on context's thread; allowPrivate answers at once with "".
void checkHost(QObject *context, const QString &host, bool allowPrivate, std::function<void(QString)> verdict);

} // namespace kinbot::netguard
