#include "http/Cookies.h"

namespace kinbot::cookies {

QHash<QByteArray, QByteArray> parse(const QByteArray &cookieHeader)
{
    QHash<QByteArray, QByteArray> out;
    for (const QByteArray &part : cookieHeader.split(';')) {
        const QByteArray kv = part.trimmed();
        const qsizetype eq = kv.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray name = kv.left(eq).trimmed();
        if (!out.contains(name)) // the first (most specific path) wins, as browsers order them
            out.insert(name, kv.mid(eq + 1).trimmed());
    }
    return out;
}

QByteArray build(const SetCookie &c)
{
    QByteArray out = c.name + '=' + c.value;
    if (c.maxAgeSeconds >= 0)
        out += "; Max-Age=" + QByteArray::number(c.maxAgeSeconds);
    out += "; Path=" + c.path;
    if (c.httpOnly)
        out += "; HttpOnly";
    if (c.secure)
        out += "; Secure";
    if (!c.sameSite.isEmpty())
        out += "; SameSite=" + c.sameSite;
    return out;
}

} // namespace kinbot::cookies
