#include "util/Ids.h"

#include <QRandomGenerator>
#include <QUuid>

#include <openssl/rand.h>

namespace kinbot::ids {

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QByteArray randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1) {
        // OpenSSL's CSPRNG failing is exceptional; fall back to the OS-backed Qt generator.
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(out.data()), count / 4);
        for (int i = count - count % 4; i < count; ++i)
            out[i] = char(QRandomGenerator::system()->bounded(256));
    }
    return out;
}

QString alphanumeric(int length)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    constexpr int n = sizeof(alphabet) - 1; // 62
    QString out;
    out.reserve(length);
    while (out.size() < length) {
        const QByteArray buf = randomBytes(length * 2);
        for (char c : buf) {
            const auto b = static_cast<unsigned char>(c);
            if (b >= 248) // 248 = 62*4: reject to keep the distribution uniform
                continue;
            out.append(QLatin1Char(alphabet[b % n]));
            if (out.size() == length)
                break;
        }
    }
    return out;
}

QString hexToken(int bytes)
{
    return QString::fromLatin1(randomBytes(bytes).toHex());
}

bool isUuid(const QString &s)
{
    if (s.size() != 36)
        return false;
    for (int i = 0; i < 36; ++i) {
        const QChar c = s.at(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != QLatin1Char('-'))
                return false;
        } else if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))
                       || (c >= QLatin1Char('A') && c <= QLatin1Char('F')))) {
            return false;
        }
    }
    return true;
}

} // namespace kinbot::ids
