#include "crypto/SecretBox.h"

#include "util/Ids.h"

#include <QLoggingCategory>

#include <openssl/evp.h>

#include <memory>

Q_LOGGING_CATEGORY(lcSecretBox, "kinbot.crypto")

namespace kinbot {

namespace {

constexpr char kVersion = 1;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

} // namespace

SecretBox::SecretBox(QByteArray key32) : m_key(std::move(key32))
{
    Q_ASSERT(m_key.size() == 32);
}

QString SecretBox::seal(const QByteArray &plain, const QByteArray &context) const
{
    const QByteArray nonce = ids::randomBytes(kNonceBytes);
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    QByteArray out;
    out.resize(1 + kNonceBytes + plain.size() + kTagBytes);
    out[0] = kVersion;
    std::copy(nonce.cbegin(), nonce.cend(), out.begin() + 1);
    auto *cipher = reinterpret_cast<unsigned char *>(out.data() + 1 + kNonceBytes);
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
    return QString::fromLatin1(out.toBase64());
}

Result<QByteArray> SecretBox::open(const QString &sealed, const QByteArray &context) const
{
    const ApiError bad = ApiError::internal(QStringLiteral("Stored secret cannot be decrypted (wrong key or corrupted data)"));
    const QByteArray raw = QByteArray::fromBase64(sealed.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (raw.size() < 1 + kNonceBytes + kTagBytes || raw.at(0) != kVersion)
        return bad;
    const qsizetype cipherLen = raw.size() - 1 - kNonceBytes - kTagBytes;
    const auto *nonce = reinterpret_cast<const unsigned char *>(raw.constData() + 1);
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
        qCWarning(lcSecretBox) << "authentication of a sealed secret failed";
        return bad;
    }
    return plain;
}

} // namespace kinbot
