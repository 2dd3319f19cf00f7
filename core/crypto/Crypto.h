#pragma once

#include <QByteArray>
#include <QString>

namespace kinbot::crypto {

QByteArray sha256(const QByteArray &data);
QString sha256Hex(const QByteArray &data);
QByteArray hmacSha256(const QByteArray &key, const QByteArray &data);
// Constant-time comparison (CRYPTO_memcmp); false when sizes differ.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace kinbot::crypto
