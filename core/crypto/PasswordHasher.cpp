#include "crypto/PasswordHasher.h"

#include "crypto/Crypto.h"
#include "util/Ids.h"

#include <openssl/evp.h>

namespace kinbot::passwords {

static QByteArray scrypt(const QByteArray &password, const QByteArray &salt)
{
    QByteArray out(64, Qt::Uninitialized);
    constexpr uint64_t N = 16384, r = 16, p = 1;
    constexpr uint64_t maxmem = 64ull * 1024 * 1024; // 128*N*r = 32 MiB needed; OpenSSL's default cap is 32 MiB exactly
    const int ok = EVP_PBE_scrypt(password.constData(), size_t(password.size()),
                                  reinterpret_cast<const unsigned char *>(salt.constData()), size_t(salt.size()), N, r, p,
                                  maxmem, reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()));
    return ok == 1 ? out : QByteArray();
}

QString hashWithSalt(const QString &password, const QString &saltHex)
{
    const QByteArray key = scrypt(password.normalized(QString::NormalizationForm_KC).toUtf8(), saltHex.toLatin1());
    if (key.isEmpty())
        return {};
    return saltHex + QLatin1Char(':') + QString::fromLatin1(key.toHex());
}

QString hash(const QString &password)
{
    return hashWithSalt(password, QString::fromLatin1(ids::randomBytes(16).toHex()));
}

bool verify(const QString &password, const QString &stored)
{
    const qsizetype colon = stored.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    const QString saltHex = stored.left(colon);
    const QByteArray expected = QByteArray::fromHex(stored.mid(colon + 1).toLatin1());
    const QByteArray key = scrypt(password.normalized(QString::NormalizationForm_KC).toUtf8(), saltHex.toLatin1());
    return !key.isEmpty() && crypto::constantTimeEquals(key, expected);
}

} // namespace kinbot::passwords
