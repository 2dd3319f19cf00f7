#include "http/Reply.h"

#include <QJsonDocument>

namespace kinbot {

Reply Reply::json(const QJsonObject &o, int status)
{
    return jsonRaw(QJsonDocument(o).toJson(QJsonDocument::Compact), status);
}

Reply Reply::json(const QJsonArray &a, int status)
{
    return jsonRaw(QJsonDocument(a).toJson(QJsonDocument::Compact), status);
}

Reply Reply::jsonRaw(const QByteArray &json, int status)
{
    Reply r;
    r.status = status;
    r.contentType = QByteArrayLiteral("application/json");
    r.body = json;
    return r;
}

Reply Reply::bytes(const QByteArray &data, const QByteArray &contentType, int status)
{
    Reply r;
    r.status = status;
    r.contentType = contentType;
    r.body = data;
    return r;
}

Reply Reply::empty(int status)
{
    Reply r;
    r.status = status;
    return r;
}

} // namespace kinbot
