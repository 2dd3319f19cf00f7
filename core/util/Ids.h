#pragma once

#include <QByteArray>
#include <QString>

namespace kinbot::ids {

// UUID v4 string without braces (KinBot row ids).
QString uuid();
// N random characters from [A-Za-z0-9] (Better-Auth style ids and session tokens).
QString alphanumeric(int length = 32);
// `bytes` random bytes as lowercase hex (invitation tokens, key files).
QString hexToken(int bytes = 32);
// Cryptographically random bytes.
QByteArray randomBytes(int count);
// True when the string is a canonical lowercase/uppercase UUID (8-4-4-4-12 hex).
bool isUuid(const QString &s);

} // namespace kinbot::ids
