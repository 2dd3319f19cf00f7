#include "HttpClient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

namespace kinbot::test {

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

QList<QByteArray> HttpResponse::headerAll(const QByteArray &name) const
{
    QList<QByteArray> out;
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            out.append(h.second);
    return out;
}

QJsonObject HttpResponse::json() const { return QJsonDocument::fromJson(body).object(); }
QJsonArray HttpResponse::jsonArray() const { return QJsonDocument::fromJson(body).array(); }

QString HttpResponse::errorCode() const
{
    const QJsonObject o = json();
    if (o.value(QStringLiteral("error")).isObject())
        return o.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    return o.value(QStringLiteral("code")).toString();
}

QByteArray decodeChunked(const QByteArray &data, bool *finished)
{
    QByteArray out;
    qsizetype pos = 0;
    *finished = false;
    while (true) {
        const qsizetype eol = data.indexOf("\r\n", pos);
        if (eol < 0)
            return out;
        bool ok = false;
        const qsizetype size = data.mid(pos, eol - pos).trimmed().toLongLong(&ok, 16);
        if (!ok)
            return out;
        if (size == 0) {
            *finished = true;
            return out;
        }
        if (data.size() < eol + 2 + size + 2)
            return out;
        out += data.mid(eol + 2, size);
        pos = eol + 2 + size + 2;
    }
}

bool parseHttpResponse(const QByteArray &buffer, HttpResponse &out, bool *headersDone, qsizetype *bodyStartOut)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    if (headersDone)
        *headersDone = true;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    out.headers.clear();
    const QList<QByteArray> status = lines.value(0).trimmed().split(' ');
    out.status = status.value(1).toInt();
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray l = lines.at(i).trimmed();
        const qsizetype colon = l.indexOf(':');
        if (colon > 0)
            out.headers.append({l.left(colon).trimmed(), l.mid(colon + 1).trimmed()});
    }
    const qsizetype bodyStart = end + 4;
    if (bodyStartOut)
        *bodyStartOut = bodyStart;
    const QByteArray rest = buffer.mid(bodyStart);
    if (out.header("Transfer-Encoding").toLower() == "chunked") {
        bool finished = false;
        out.body = decodeChunked(rest, &finished);
        return finished;
    }
    const QByteArray cl = out.header("Content-Length");
    if (cl.isEmpty())
        return false; // until close
    const qsizetype len = cl.toLongLong();
    if (rest.size() < len)
        return false;
    out.body = rest.left(len);
    return true;
}

HttpClient::HttpClient(quint16 port, QByteArray host) : m_port(port), m_host(std::move(host)) {}

void HttpClient::setDefaultHeader(const QByteArray &name, const QByteArray &value)
{
    removeDefaultHeader(name);
    m_defaults.append({name, value});
}

void HttpClient::removeDefaultHeader(const QByteArray &name)
{
    m_defaults.removeIf([&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

QByteArray HttpClient::cookieHeader() const
{
    QByteArrayList parts;
    for (auto it = m_cookies.begin(); it != m_cookies.end(); ++it)
        parts << it.key() + '=' + it.value();
    return parts.join("; ");
}

QByteArray HttpClient::origin() const
{
    return "http://127.0.0.1:" + QByteArray::number(m_port);
}

HttpResponse HttpClient::postJson(const QByteArray &path, const QJsonObject &o, const Headers &headers)
{
    return postRaw(path, QJsonDocument(o).toJson(QJsonDocument::Compact), "application/json", headers);
}

HttpResponse HttpClient::patchJson(const QByteArray &path, const QJsonObject &o, const Headers &headers)
{
    Headers h = headers;
    h.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return request("PATCH", path, QJsonDocument(o).toJson(QJsonDocument::Compact), h);
}

HttpResponse HttpClient::putJson(const QByteArray &path, const QJsonObject &o, const Headers &headers)
{
    Headers h = headers;
    h.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return request("PUT", path, QJsonDocument(o).toJson(QJsonDocument::Compact), h);
}

HttpResponse HttpClient::postRaw(const QByteArray &path, const QByteArray &body, const QByteArray &contentType, const Headers &headers)
{
    Headers h = headers;
    h.append(qMakePair(QByteArray("Content-Type"), contentType));
    return request("POST", path, body, h);
}

HttpResponse HttpClient::request(const QByteArray &method, const QByteArray &path, const QByteArray &body, const Headers &headers)
{
    Headers all = m_defaults;
    for (const auto &h : headers) {
        all.removeIf([&](const auto &d) { return d.first.compare(h.first, Qt::CaseInsensitive) == 0; });
        all.append(h);
    }
    auto has = [&](const char *name) {
        for (const auto &h : all)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        return false;
    };
    QByteArray req = method + ' ' + path + " HTTP/1.1\r\n";
    if (!has("Host"))
        req += "Host: " + m_host + ':' + QByteArray::number(m_port) + "\r\n";
    if (!has("Cookie") && !m_cookies.isEmpty())
        req += "Cookie: " + cookieHeader() + "\r\n";
    for (const auto &h : all)
        req += h.first + ": " + h.second + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    req += "Connection: close\r\n\r\n";
    req += body;

    QTcpSocket socket;
    QByteArray buffer;
    HttpResponse out;
    bool complete = false;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(req); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        buffer += socket.readAll();
        if (parseHttpResponse(buffer, out)) {
            complete = true;
            loop.quit();
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        buffer += socket.readAll();
        if (!complete && parseHttpResponse(buffer, out))
            complete = true;
        if (!complete && out.status > 0 && out.header("Content-Length").isEmpty()) {
            out.body = buffer.mid(buffer.indexOf("\r\n\r\n") + 4);
            complete = true;
        }
        loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, [&](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    loop.exec();
    if (!complete)
        out.status = 0;
    for (const QByteArray &sc : out.headerAll("Set-Cookie")) {
        const QByteArray first = sc.split(';').value(0);
        const qsizetype eq = first.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray name = first.left(eq).trimmed();
        const QByteArray value = first.mid(eq + 1).trimmed();
        if (value.isEmpty() || sc.contains("Max-Age=0"))
            m_cookies.remove(name);
        else
            m_cookies.insert(name, value);
    }
    return out;
}

} // namespace kinbot::test
