#include "http/Multipart.h"

#include "http/Exchange.h"

#include <QUrl>

namespace kinbot {

static ApiError bad(const QString &why)
{
    return ApiError::badRequest(QStringLiteral("INVALID_MULTIPART"), why);
}

// Reads a header parameter like boundary=..., name="..." (quoted or token). Case-insensitive key.
static std::optional<QByteArray> headerParam(const QByteArray &header, const QByteArray &key)
{
    const QByteArray lower = header.toLower();
    qsizetype pos = 0;
    while (true) {
        pos = lower.indexOf(key + '=', pos);
        if (pos < 0)
            return std::nullopt;
        // must start a parameter: preceded by ';' or whitespace
        if (pos > 0 && lower.at(pos - 1) != ';' && lower.at(pos - 1) != ' ' && lower.at(pos - 1) != '\t') {
            pos += key.size();
            continue;
        }
        qsizetype v = pos + key.size() + 1;
        if (v < header.size() && header.at(v) == '"') {
            QByteArray out;
            for (++v; v < header.size(); ++v) {
                const char c = header.at(v);
                if (c == '\\' && v + 1 < header.size()) {
                    out += header.at(++v);
                    continue;
                }
                if (c == '"')
                    return out;
                out += c;
            }
            return std::nullopt; // unterminated quote
        }
        qsizetype end = header.indexOf(';', v);
        if (end < 0)
            end = header.size();
        return header.mid(v, end - v).trimmed();
    }
}

Result<MultipartForm> MultipartForm::parse(const QByteArray &contentType, const QByteArray &body, int maxParts)
{
    return parse(contentType, body, maxParts, false);
}

Result<MultipartForm> MultipartForm::parse(const Exchange &ex, int maxParts)
{
    return parse(ex.header("content-type"), ex.body(), maxParts, ex.bodyIsSpooled());
}

Result<MultipartForm> MultipartForm::parse(const QByteArray &contentType, const QByteArray &body, int maxParts, bool viewParts)
{
    if (!contentType.toLower().trimmed().startsWith("multipart/form-data"))
        return bad(QStringLiteral("Content-Type must be multipart/form-data"));
    const auto boundaryParam = headerParam(contentType, "boundary");
    if (!boundaryParam || boundaryParam->isEmpty() || boundaryParam->size() > 200)
        return bad(QStringLiteral("Missing or invalid multipart boundary"));
    const QByteArray delimiter = "--" + *boundaryParam;

    MultipartForm form;
    qsizetype pos = body.indexOf(delimiter);
    if (pos < 0)
        return bad(QStringLiteral("Multipart boundary not found in body"));
    pos += delimiter.size();
    while (true) {
        if (body.mid(pos, 2) == "--")
            break; // closing delimiter
        if (body.mid(pos, 2) != "\r\n")
            return bad(QStringLiteral("Malformed multipart delimiter line"));
        pos += 2;
        const qsizetype headerEnd = body.indexOf("\r\n\r\n", pos);
        if (headerEnd < 0)
            return bad(QStringLiteral("Unterminated multipart headers"));
        MultipartPart part;
        for (const QByteArray &line : body.mid(pos, headerEnd - pos).split('\n')) {
            const QByteArray l = line.trimmed();
            if (l.isEmpty())
                continue;
            const qsizetype colon = l.indexOf(':');
            if (colon <= 0)
                return bad(QStringLiteral("Malformed multipart header line"));
            part.headers.insert(l.left(colon).trimmed().toLower(), l.mid(colon + 1).trimmed());
        }
        const QByteArray disposition = part.headers.value("content-disposition");
        if (!disposition.toLower().startsWith("form-data"))
            return bad(QStringLiteral("Each part needs Content-Disposition: form-data"));
        const auto name = headerParam(disposition, "name");
        if (!name)
            return bad(QStringLiteral("A multipart part has no name"));
        part.name = QString::fromUtf8(*name);
        if (const auto starName = headerParam(disposition, "filename*"); starName) {
            // RFC 5987: charset'lang'percent-encoded
            const qsizetype q = starName->indexOf('\'', starName->indexOf('\'') + 1);
            part.fileName = QUrl::fromPercentEncoding(q >= 0 ? starName->mid(q + 1) : *starName);
        } else if (const auto fileName = headerParam(disposition, "filename"); fileName) {
            part.fileName = QString::fromUtf8(*fileName);
        }
        part.contentType = part.headers.value("content-type");

        const qsizetype dataStart = headerEnd + 4;
        const qsizetype next = body.indexOf("\r\n" + delimiter, dataStart);
        if (next < 0)
            return bad(QStringLiteral("Multipart body is truncated (no closing boundary)"));
        part.data = viewParts ? QByteArray::fromRawData(body.constData() + dataStart, next - dataStart)
                              : body.mid(dataStart, next - dataStart);
        form.m_parts.append(std::move(part));
        if (form.m_parts.size() > maxParts)
            return bad(QStringLiteral("Too many multipart parts"));
        pos = next + 2 + delimiter.size();
    }
    return form;
}

const MultipartPart *MultipartForm::part(const QString &name) const
{
    for (const MultipartPart &p : m_parts)
        if (p.name == name)
            return &p;
    return nullptr;
}

QString MultipartForm::field(const QString &name, const QString &fallback) const
{
    const MultipartPart *p = part(name);
    return p ? QString::fromUtf8(p->data) : fallback;
}

} // namespace kinbot
