#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace kinbot {

// Authenticated encryption of small secrets at rest (provider configs, later vault entries) with AES-256-GCM
// under the data dir's master key. Sealed form: base64 of version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16); a fresh
// random nonce per seal. An optional associated context (e.g. "provider:<id>") binds a ciphertext to its row, so
// a sealed value copied into another row does not open.
class SecretBox final
{
public:
    explicit SecretBox(QByteArray key32);

    QString seal(const QByteArray &plain, const QByteArray &context = {}) const;
    // Fails with an Internal error when the data was tampered with, sealed under another key or for another context.
    Result<QByteArray> open(const QString &sealed, const QByteArray &context = {}) const;

private:
    QByteArray m_key;
};

} // namespace kinbot
