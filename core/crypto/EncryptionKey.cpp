#include "crypto/EncryptionKey.h"

#include "util/Ids.h"

#include <QFile>
#include <QRegularExpression>

namespace kinbot {

static bool isKeyHex(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-fA-F]{64}$"));
    return re.match(s).hasMatch();
}

Result<EncryptionKey> EncryptionKey::loadOrCreate(const QString &dataDir, const QString &envHex)
{
    EncryptionKey key;
    if (!envHex.isEmpty()) {
        if (!isKeyHex(envHex.trimmed()))
            return ApiError::badRequest(QStringLiteral("INVALID_ENCRYPTION_KEY"),
                                        QStringLiteral("KINBOT_ENCRYPTION_KEY must be 64 hexadecimal characters"));
        key.m_raw = QByteArray::fromHex(envHex.trimmed().toLatin1());
        return key;
    }
    const QString path = dataDir + QStringLiteral("/.encryption-key");
    QFile f(path);
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly))
            return ApiError::internal(QStringLiteral("Cannot read ") + path);
        const QString text = QString::fromLatin1(f.readAll()).trimmed();
        if (!isKeyHex(text))
            return ApiError::badRequest(QStringLiteral("INVALID_ENCRYPTION_KEY"),
                                        path + QStringLiteral(" is not 64 hexadecimal characters; refusing to start"));
        key.m_raw = QByteArray::fromHex(text.toLatin1());
        return key;
    }
    key.m_raw = ids::randomBytes(32);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return ApiError::internal(QStringLiteral("Cannot create ") + path);
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(key.m_raw.toHex());
    if (!f.flush())
        return ApiError::internal(QStringLiteral("Cannot write ") + path);
    f.close();
    return key;
}

} // namespace kinbot
