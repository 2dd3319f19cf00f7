#pragma once

#include "http/Responder.h"

#include <QJsonArray>
#include <QJsonObject>

namespace kinbot {

// A complete HTTP answer built by a controller. The server adds the common headers (security, CORS) when sending.
struct Reply
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HeaderPairs headers;

    static Reply json(const QJsonObject &o, int status = 200);
    static Reply json(const QJsonArray &a, int status = 200);
    static Reply jsonRaw(const QByteArray &json, int status = 200); // already-serialised JSON, e.g. "null"
    static Reply bytes(const QByteArray &data, const QByteArray &contentType, int status = 200);
    static Reply empty(int status = 204);

    Reply &header(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
        return *this;
    }
};

} // namespace kinbot
