#pragma once

#include <QByteArray>
#include <QHash>

namespace kinbot::cookies {

// "a=1; b=2" → {a:1, b:2} (values left URL-encoded as sent).
QHash<QByteArray, QByteArray> parse(const QByteArray &cookieHeader);

struct SetCookie
{
    QByteArray name;
    QByteArray value; // already encoded
    qint64 maxAgeSeconds = -1; // -1 = session cookie, 0 = delete
    bool httpOnly = true;
    bool secure = false;
    QByteArray sameSite = "Lax";
    QByteArray path = "/";
};
QByteArray build(const SetCookie &c);

} // namespace kinbot::cookies
