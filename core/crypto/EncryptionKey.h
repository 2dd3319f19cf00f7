#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace kinbot {

// The 32-byte master key of a data dir: from KINBOT_ENCRYPTION_KEY (64 hex chars) or <dataDir>/.encryption-key, which is
// created with mode 0600 on first start. The same file format as the reference (64 lowercase hex characters).
class EncryptionKey final
{
public:
    static Result<EncryptionKey> loadOrCreate(const QString &dataDir, const QString &envHex);

    const QByteArray &raw() const { return m_raw; }
    QString hex() const { return QString::fromLatin1(m_raw.toHex()); }

private:
    QByteArray m_raw;
};

} // namespace kinbot
