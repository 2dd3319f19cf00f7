#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace kinbot::miniapps {

// Runs the esbuild binary (QProcess, stdin/stdout, no temp files) for mini-apps. Synchronous and thread-safe: meant for
// worker threads, never the main thread. Binary: env KINBOT_ESBUILD, else <appDir>/../libexec/kinbot/esbuild, else
// `esbuild` on PATH (Debian package). Each run is limited in time and output size. Errors are 422 TRANSPILE_FAILED
// carrying esbuild's own message(s) as "file:line:col: text", or 500 ESBUILD_MISSING / ESBUILD_FAILED.
class JsTranspiler
{
public:
    static constexpr int kTimeoutMs = 10000;
    static constexpr qint64 kMaxOutputBytes = 16 * 1024 * 1024;

    // The backend _server.js/_server.ts of appDir bundled WITH its relative imports as one es2016 IIFE script (async
    // functions lowered for QJSEngine) that sets the global `__kinbotBackend` to the module's namespace (its default
    // export is `.default`). Bare imports ("lodash", "fs") are refused with a clear error.
    static Result<QByteArray> bundleBackend(const QString &appDir, const QString &entryFile);

    // JSX/TSX (by the extension of sourceName; .js/.jsx → jsx) → a browser ES module, classic runtime
    // (React.createElement / React.Fragment). `import React from 'react';` is prepended (on the first line, so line
    // numbers stay) when the code does not import React itself (default or namespace import).
    static Result<QByteArray> transformJsx(const QByteArray &source, const QString &sourceName);

    // The binary that would be used, or "" when none is found.
    static QString esbuildPath();
    static constexpr const char *kGlobalName = "__kinbotBackend";
};

} // namespace kinbot::miniapps
