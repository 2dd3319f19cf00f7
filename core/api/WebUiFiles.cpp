#include "api/WebUiFiles.h"

#include <QFileInfo>
#include <QMimeDatabase>

namespace kinbot {
namespace {

QByteArray contentTypeOf(const QString &resource)
{
    // The types browsers insist on for module scripts and stylesheets; the rest from the MIME database.
    static const struct { const char *suffix; const char *type; } known[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json"},              {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".ico", "image/x-icon"},                   {".woff2", "font/woff2"},
        {".webmanifest", "application/manifest+json"}, {".txt", "text/plain; charset=utf-8"},
    };
    for (const auto &k : known)
        if (resource.endsWith(QLatin1String(k.suffix)))
            return k.type;
    static const QMimeDatabase mimes;
    return mimes.mimeTypeForFile(resource, QMimeDatabase::MatchExtension).name().toLatin1();
}

bool isUnder(const QByteArray &path, const char *prefix)
{
    const QByteArray p(prefix);
    return path == p || path.startsWith(p + '/');
}

} // namespace

WebUiFile resolveWebUiFile(const QByteArray &rawPath)
{
    static const QString index = QStringLiteral(":/web/index.html");
    // /s/… are public share links: an unknown one is a JSON 404 like /api/…, not the app.
    if (isUnder(rawPath, "/s") || isUnder(rawPath, "/api"))
        return {};
    const QString resource = QStringLiteral(":/web") + QString::fromUtf8(rawPath);
    const bool asset = rawPath.startsWith("/assets/");
    // The router already refused '.'/'..' segments; the resource tree cannot reach the disk anyway.
    if (rawPath != "/" && rawPath != "/index.html" && QFileInfo(resource).isFile())
        return {WebUiFile::Kind::File, resource, contentTypeOf(resource),
                asset ? QByteArrayLiteral("public, max-age=31536000, immutable") : QByteArrayLiteral("no-cache")};
    if (asset || !QFileInfo(index).isFile())
        return {};
    return {WebUiFile::Kind::Index, index, QByteArrayLiteral("text/html; charset=utf-8"), QByteArrayLiteral("no-cache")};
}

QByteArray webUiContentSecurityPolicy()
{
    return QByteArrayLiteral("default-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'self'");
}

} // namespace kinbot
