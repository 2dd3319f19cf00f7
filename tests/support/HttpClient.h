#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QTcpSocket>

namespace kinbot::test {

struct HttpResponse
{
    int status = 0; // 0 = no answer (timeout or connection error)
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    QList<QByteArray> headerAll(const QByteArray &name) const;
    QJsonObject json() const;
    QJsonArray jsonArray() const;
    // error.code of an envelope body, or code of a flat one
    QString errorCode() const;
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

// A raw HTTP/1.1 client over QTcpSocket that never blocks the event loop (the server under test runs in the same
// thread). It sends exactly the headers it is told to (so tests can forge Host, Origin, Cookie), keeps a cookie jar,
// and decodes Content-Length and chunked bodies.
class HttpClient
{
public:
    explicit HttpClient(quint16 port, QByteArray host = "127.0.0.1");

    HttpResponse request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {}, const Headers &headers = {});
    HttpResponse get(const QByteArray &path, const Headers &headers = {}) { return request("GET", path, {}, headers); }
    HttpResponse del(const QByteArray &path, const Headers &headers = {}) { return request("DELETE", path, {}, headers); }
    HttpResponse postJson(const QByteArray &path, const QJsonObject &o, const Headers &headers = {});
    HttpResponse patchJson(const QByteArray &path, const QJsonObject &o, const Headers &headers = {});
    HttpResponse putJson(const QByteArray &path, const QJsonObject &o, const Headers &headers = {});
    HttpResponse postRaw(const QByteArray &path, const QByteArray &body, const QByteArray &contentType = "application/json",
                         const Headers &headers = {});

    // Headers added to every request (e.g. Origin, X-API-Key).
    void setDefaultHeader(const QByteArray &name, const QByteArray &value);
    void removeDefaultHeader(const QByteArray &name);
    QHash<QByteArray, QByteArray> &cookies() { return m_cookies; }
    QByteArray cookieHeader() const;
    QByteArray origin() const;
    int timeoutMs = 15000;

private:
    quint16 m_port;
    QByteArray m_host;
    Headers m_defaults;
    QHash<QByteArray, QByteArray> m_cookies;
};

// Parses one HTTP response from a growing buffer. Returns true when complete.
bool parseHttpResponse(const QByteArray &buffer, HttpResponse &out, bool *headersDone = nullptr, qsizetype *bodyStart = nullptr);
// Decodes as much of a chunked body as is complete; sets *finished when the last chunk was seen.
QByteArray decodeChunked(const QByteArray &data, bool *finished);

} // namespace kinbot::test
