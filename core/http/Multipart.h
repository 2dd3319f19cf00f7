#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace kinbot {

class Exchange;

struct MultipartPart
{
    QString name;               // form field name
    QString fileName;           // empty for plain fields
    QByteArray contentType;     // as sent; empty when absent
    QHash<QByteArray, QByteArray> headers; // lower-case names
    // For a spooled request (MultipartForm::parse(exchange)) a view into the request's mapped body, valid while the
    // exchange lives: keep the exchange alive with it, or deep-copy.
    QByteArray data;

    bool isFile() const { return !fileName.isNull(); }
};

// A parsed multipart/form-data body (RFC 7578). QtHttpServer 6.4 has no parser.
class MultipartForm final
{
public:
    // contentType is the request's Content-Type header (must carry boundary=...). Errors are 400 INVALID_MULTIPART.
    static Result<MultipartForm> parse(const QByteArray &contentType, const QByteArray &body, int maxParts = 100);
    // The request's form. Parts of a spooled body view it instead of copying it into memory.
    static Result<MultipartForm> parse(const Exchange &ex, int maxParts = 100);

    const QList<MultipartPart> &parts() const { return m_parts; }
    const MultipartPart *part(const QString &name) const;
    QString field(const QString &name, const QString &fallback = {}) const;

private:
    static Result<MultipartForm> parse(const QByteArray &contentType, const QByteArray &body, int maxParts, bool viewParts);
    QList<MultipartPart> m_parts;
};

} // namespace kinbot
