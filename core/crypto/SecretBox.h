#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace kinbot {

// Authenticated encryption of secrets at rest (provider configs, vault values and attachments) with AES-256-GCM
// under the data dir's master key. Sealed form: base64 of version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16); a fresh
// random nonce per seal. An optional associated context (e.g. "provider:<id>") binds a ciphertext to its row, so
// a sealed value copied into another row does not open.
// The raw form is nonce(12) ‖ ciphertext ‖ tag(16) without the version byte: the reference's layout, used for vault
// values (base64 in the DB) and vault attachment files. Thread-safe (const, no shared state).
class SecretBox final
{
public:
    static constexpr int kNonceBytes = 12;
    static constexpr int kTagBytes = 16;

    explicit SecretBox(QByteArray key32);

    QString seal(const QByteArray &plain, const QByteArray &context = {}) const;
    // Fails with an Internal error when the data was tampered with, sealed under another key or for another context.
    Result<QByteArray> open(const QString &sealed, const QByteArray &context = {}) const;

    QByteArray sealRaw(const QByteArray &plain, const QByteArray &context = {}) const;
    Result<QByteArray> openRaw(const QByteArray &raw, const QByteArray &context = {}) const;

private:
    QByteArray m_key;
};

} // namespace kinbot
