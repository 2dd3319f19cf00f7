#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace kinbot::miniapp {

// JSX/TSX source → a browser ES module (classic React runtime); errors carry the transpiler's message.
using JsxTransform = std::function<Result<QByteArray>(const QByteArray &source, const QString &sourceName)>;

// Where the SDK and the bundled React live (served by MiniAppsController from the app's resources).
inline constexpr auto kSdkBase = "/api/mini-apps/sdk/";
inline constexpr auto kVendorBase = "/api/mini-apps/sdk/vendor/";

// The Content-Security-Policy of /serve. Stricter than the reference's: no third-party connect-src (apps reach other
// sites through KinBot.http, which has an SSRF guard and a rate limit), no framing by other origins, forms only to
// the app itself. Scripts, styles and fonts may still come from the usual CDNs, which apps written for the reference use.
QByteArray contentSecurityPolicy();

// The import map of an app: the bundled React (offline) and the SDK modules by default, then app.json's `importmap`
// (as is) or its `dependencies`; React entries pointing at a CDN are mapped to the bundled copy so apps work offline.
// Invalid app.json → the defaults.
QByteArray importMap(const QByteArray &appJson);

// The entry HTML as /serve sends it (miniapps.md §2.11): inline <script type="text/jsx"> blocks transpiled into module
// scripts (a failure becomes a module that logs it), <script type="text/jsx" src=…> turned into module scripts (the
// file is transpiled by /static), and the head injection — <base>, SDK CSS, import map, SDK script, theme sync —
// right after <head> (any attributes), else a new head after <html …>, else the document is wrapped.
QByteArray renderEntry(const QByteArray &html, const QString &appId, const QByteArray &appJson, const JsxTransform &jsx);

// True when the HTML has inline JSX to transpile (renderEntry then needs the transpiler, which is slow: run it off the
// main thread).
bool hasInlineJsx(const QByteArray &html);

// A module that reports a transpile failure in the browser console.
QByteArray failedModule(const QString &what, const QString &message);

} // namespace kinbot::miniapp
