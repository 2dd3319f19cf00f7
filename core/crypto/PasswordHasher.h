#pragma once

#include <QString>

namespace kinbot {

// scrypt password hashes in Better Auth's format, so a reference database's accounts keep working:
// N=16384, r=16, p=1, dkLen=64; salt = 16 random bytes as 32 hex chars, and that hex *string* is the scrypt salt;
// the password is NFKC-normalised; stored as "<saltHex>:<keyHex>". Costs ~50 ms and 16 MiB: call off the main thread.
namespace passwords {

QString hash(const QString &password);
bool verify(const QString &password, const QString &stored);
QString hashWithSalt(const QString &password, const QString &saltHex);

} // namespace passwords
} // namespace kinbot
