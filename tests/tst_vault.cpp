// The Vault: encryption at rest (AES-256-GCM forms of SecretBox).
#include "crypto/SecretBox.h"

#include <QtTest>

class TstVault final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secretBoxForms()
    {
        const kinbot::SecretBox box(QByteArray(32, '\x42'));
        const kinbot::SecretBox other(QByteArray(32, '\x43'));
        // Raw: nonce(12) ‖ ciphertext ‖ tag(16), a fresh nonce each time, bound to its context.
        const QByteArray plain = "a value";
        const QByteArray a = box.sealRaw(plain, "vault:1");
        const QByteArray b = box.sealRaw(plain, "vault:1");
        QCOMPARE(a.size(), 12 + plain.size() + 16);
        QVERIFY(a != b);
        QCOMPARE(box.openRaw(a, "vault:1").value(), plain);
        QVERIFY(!box.openRaw(a, "vault:2"));
        QVERIFY(!box.openRaw(a));
        QVERIFY(!other.openRaw(a, "vault:1"));
        QVERIFY(!box.openRaw(a.left(27), "vault:1"));
        for (int i = 0; i < a.size(); ++i) {
            QByteArray flipped = a;
            flipped[i] = char(flipped[i] ^ 0x04);
            QVERIFY2(!box.openRaw(flipped, "vault:1"), qPrintable(QString::number(i)));
        }
        QCOMPARE(box.openRaw(box.sealRaw(QByteArray(), "c"), "c").value(), QByteArray());
        // Versioned base64 form (provider configs) unchanged: version byte 1 first.
        const QString sealed = box.seal(plain, "provider:x");
        const QByteArray decoded = QByteArray::fromBase64(sealed.toLatin1());
        QCOMPARE(decoded.size(), 1 + 12 + plain.size() + 16);
        QCOMPARE(decoded.at(0), char(1));
        QCOMPARE(box.open(sealed, "provider:x").value(), plain);
        QCOMPARE(box.openRaw(decoded.mid(1), "provider:x").value(), plain);
        QVERIFY(!box.open(QString::fromLatin1(decoded.mid(1).toBase64()), "provider:x"));
        QVERIFY(!box.open(QStringLiteral("%%%"), "provider:x"));
    }
};

QTEST_GUILESS_MAIN(TstVault)
#include "tst_vault.moc"
