#include "crypto/SecretBox.h"

#include "util/Ids.h"

#include <QLoggingCategory>

#include <openssl/evp.h>

#include <memory>

Q_LOGGING_CATEGORY(lcSecretBox, "kinbot.crypto")

namespace kinbot {

namespace {

constexpr char kVersion = 1;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

} // namespace

SecretBox::SecretBox(QByteArray key32) : m_key(std::move(key32))
{
    Q_ASSERT(m_key.size() == 32);
}

QByteArray SecretBox::sealRaw(const QByteArray &plain, const QByteArray &context) const
{
    const QByteArray nonce = ids::randomBytes(kNonceBytes);
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    QByteArray out;
    out.resize(kNonceBytes + plain.size() + kTagBytes);
    std::copy(nonce.cbegin(), nonce.cend(), out.begin());
    auto *cipher = reinterpret_cast<unsigned char *>(out.data() + kNonceBytes);
    int len = 0;
    int total = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
              && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1
              && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(m_key.constData()),
                                    reinterpret_cast<const unsigned char *>(nonce.constData())) == 1;
    if (ok && !context.isEmpty())
        ok = EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(context.constData()),
                               int(context.size())) == 1;
    if (ok && !plain.isEmpty()) {
        ok = EVP_EncryptUpdate(ctx.get(), cipher, &len, reinterpret_cast<const unsigned char *>(plain.constData()), int(plain.size())) == 1;
        total = len;
    }
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), cipher + total, &len) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + plain.size()) == 1;
    if (!ok) {
        // Only an OpenSSL malfunction gets here; never store a half-made value.
        qFatal("AES-256-GCM encryption failed");
    }
    return out;
}

Result<QByteArray> SecretBox::openRaw(const QByteArray &raw, const QByteArray &context) const
{
    const ApiError bad = ApiError::internal(QStringLiteral("Stored secret cannot be decrypted (wrong key or corrupted data)"));
    if (raw.size() < kNonceBytes + kTagBytes)
        return bad;
    const qsizetype cipherLen = raw.size() - kNonceBytes - kTagBytes;
    const auto *nonce = reinterpret_cast<const unsigned char *>(raw.constData());
    const auto *cipher = nonce + kNonceBytes;
    QByteArray tag = raw.right(kTagBytes);
    QByteArray plain;
    plain.resize(cipherLen);
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
              && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1
              && EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(m_key.constData()), nonce) == 1;
    if (ok && !context.isEmpty())
        ok = EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(context.constData()),
                               int(context.size())) == 1;
    int total = 0;
    if (ok && cipherLen > 0) {
        ok = EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()), &len, cipher, int(cipherLen)) == 1;
        total = len;
    }
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1;
    ok = ok && EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()) + total, &len) == 1;
    if (!ok) {
        // The plaintext buffer may hold unauthenticated bytes: wipe it, never hand it out.
        plain.fill('\0');
        qCWarning(lcSecretBox) << "authentication of a sealed secret failed";
        return bad;
    }
    return plain;
}

QString SecretBox::seal(const QByteArray &plain, const QByteArray &context) const
{
    return QString::fromLatin1((QByteArray(1, kVersion) + sealRaw(plain, context)).toBase64());
}

Result<QByteArray> SecretBox::open(const QString &sealed, const QByteArray &context) const
{
    const QByteArray raw = QByteArray::fromBase64(sealed.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (raw.isEmpty() || raw.at(0) != kVersion)
        return ApiError::internal(QStringLiteral("Stored secret cannot be decrypted (wrong key or corrupted data)"));
    return openRaw(raw.mid(1), context);
}

} // namespace kinbot
