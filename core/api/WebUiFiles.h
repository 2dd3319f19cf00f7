#pragma once
// Which embedded web-UI file answers a GET outside /api (the HTTP server's fallback): the single-page app's files live
// in the "web" Qt resource (prefix /web/: index.html, hashed assets/…, a few top-level files). Client-side routes get
// index.html; a missing asset or anything under /s/ is a real 404 (never the app shell).
#include <QByteArray>
#include <QString>

namespace kinbot {

struct WebUiFile
{
    enum class Kind { Index, File, NotFound };
    Kind kind = Kind::NotFound;
    QString resource;         // ":/web/…" for Index and File
    QByteArray contentType;
    QByteArray cacheControl;  // hashed assets: a year, immutable; everything else: no-cache (revalidate)
};

WebUiFile resolveWebUiFile(const QByteArray &rawPath);

// The Content-Security-Policy of the app shell: everything from this origin only.
QByteArray webUiContentSecurityPolicy();

} // namespace kinbot
