#include "miniapps/JsTranspiler.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace kinbot::miniapps {

namespace {

ApiError transpileFailed(const QString &message)
{
    return ApiError::unprocessable(QStringLiteral("TRANSPILE_FAILED"), message);
}

// esbuild's report ("✘ [ERROR] text" then an indented "file:line:col:" line) → "file:line:col: text", one per error.
QString conciseErrors(const QString &stderrText)
{
    static const QRegularExpression head(QStringLiteral("^\\s*(?:✘|X|×)?\\s*\\[ERROR\\]\\s*(.*)$"));
    static const QRegularExpression where(QStringLiteral("^\\s+(\\S.*:\\d+:\\d+):\\s*$"));
    const QStringList lines = stderrText.split(QLatin1Char('\n'));
    QStringList out;
    for (int i = 0; i < lines.size(); ++i) {
        const auto m = head.match(lines[i]);
        if (!m.hasMatch())
            continue;
        QString text = m.captured(1).trimmed();
        for (int j = i + 1; j < lines.size() && j <= i + 3; ++j) {
            const auto w = where.match(lines[j]);
            if (w.hasMatch()) {
                text = w.captured(1) + QStringLiteral(": ") + text;
                break;
            }
        }
        out << text;
    }
    return out.isEmpty() ? stderrText.trimmed() : out.join(QLatin1Char('\n'));
}

Result<QByteArray> runEsbuild(const QStringList &args, const QString &workDir, const QByteArray &input)
{
    const QString bin = JsTranspiler::esbuildPath();
    if (bin.isEmpty()) {
        const QString env = qEnvironmentVariable("KINBOT_ESBUILD");
        return ApiError{ErrorKind::Internal, QStringLiteral("ESBUILD_MISSING"),
                        env.isEmpty() ? QStringLiteral("esbuild was not found (set KINBOT_ESBUILD or install the esbuild package)")
                                      : QStringLiteral("esbuild was not found: KINBOT_ESBUILD=%1 is not an executable").arg(env)};
    }
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(bin, args);
    if (!p.waitForStarted(JsTranspiler::kTimeoutMs))
        return ApiError{ErrorKind::Internal, QStringLiteral("ESBUILD_FAILED"), QStringLiteral("esbuild could not start: ") + p.errorString()};
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    QByteArray out, err;
    QElapsedTimer clock;
    clock.start();
    bool tooBig = false, tooSlow = false;
    while (p.state() != QProcess::NotRunning) {
        p.waitForFinished(50);
        out += p.readAllStandardOutput();
        err += p.readAllStandardError();
        if (out.size() > JsTranspiler::kMaxOutputBytes)
            tooBig = true;
        else if (clock.elapsed() > JsTranspiler::kTimeoutMs)
            tooSlow = true;
        if (tooBig || tooSlow) {
            p.kill();
            p.waitForFinished(1000);
            break;
        }
    }
    out += p.readAllStandardOutput();
    err += p.readAllStandardError();
    if (tooBig)
        return transpileFailed(QStringLiteral("The transpiled output is larger than %1 MB").arg(JsTranspiler::kMaxOutputBytes / (1024 * 1024)));
    if (tooSlow)
        return transpileFailed(QStringLiteral("esbuild did not finish within %1 s").arg(JsTranspiler::kTimeoutMs / 1000));
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return transpileFailed(conciseErrors(QString::fromUtf8(err)));
    return out;
}

bool importsReact(const QByteArray &source)
{
    static const QRegularExpression re(
        QStringLiteral("(^|[\\n;])\\s*import\\s+(React\\b|\\*\\s*as\\s+React\\b)"));
    return re.match(QString::fromUtf8(source)).hasMatch();
}

} // namespace

QString JsTranspiler::esbuildPath()
{
    const QString env = qEnvironmentVariable("KINBOT_ESBUILD");
    if (!env.isEmpty())
        return QFileInfo(env).isExecutable() ? env : QString();
    if (QCoreApplication::instance()) {
        const QString bundled = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../libexec/kinbot/esbuild"));
        if (QFileInfo(bundled).isExecutable())
            return QDir::cleanPath(bundled);
    }
    return QStandardPaths::findExecutable(QStringLiteral("esbuild"));
}

Result<QByteArray> JsTranspiler::bundleBackend(const QString &appDir, const QString &entryFile)
{
    if (!QFileInfo(QDir(appDir).filePath(entryFile)).isFile())
        return transpileFailed(QStringLiteral("%1 not found in the app directory").arg(entryFile));
    // --packages=external keeps bare imports out of the bundle as require() calls; they are then refused below, so a
    // node_modules folder that happens to sit near the app is never bundled either.
    const QStringList args{entryFile,
                           QStringLiteral("--bundle"),
                           QStringLiteral("--format=iife"),
                           QStringLiteral("--global-name=") + QLatin1String(kGlobalName),
                           QStringLiteral("--target=es2016"),
                           QStringLiteral("--platform=neutral"),
                           QStringLiteral("--main-fields=module,main"),
                           QStringLiteral("--packages=external"),
                           QStringLiteral("--charset=utf8"),
                           QStringLiteral("--log-level=error"),
                           QStringLiteral("--color=false")};
    auto out = runEsbuild(args, appDir, {});
    if (!out)
        return out;
    // A bare import stays as __require("name") (esbuild's shim for an external module in a non-CommonJS format).
    static const QRegularExpression bare(QStringLiteral("__require\\(\"([^\"]+)\"\\)"));
    const auto m = bare.match(QString::fromUtf8(out.value()));
    if (m.hasMatch())
        return transpileFailed(QStringLiteral("%1: bare import \"%2\" is not supported: a backend may only import files of its "
                                              "own app with a relative path (./x.js); Hono is ctx.Hono")
                                   .arg(entryFile, m.captured(1)));
    // esbuild marks each bundled module with a "// <path relative to the app directory>" line: none may lie outside.
    static const QRegularExpression outside(QStringLiteral("^\\s*// (\\.\\./\\S*)\\s*$"), QRegularExpression::MultilineOption);
    const auto o = outside.match(QString::fromUtf8(out.value()));
    if (o.hasMatch())
        return transpileFailed(QStringLiteral("%1: importing %2 is not allowed: a backend may only import files inside its app directory")
                                   .arg(entryFile, o.captured(1)));
    return out;
}

Result<QByteArray> JsTranspiler::transformJsx(const QByteArray &source, const QString &sourceName)
{
    const QString ext = QFileInfo(sourceName).suffix().toLower();
    const QString loader = ext == QLatin1String("tsx") ? QStringLiteral("tsx") : ext == QLatin1String("ts") ? QStringLiteral("ts") : QStringLiteral("jsx");
    QByteArray input = source;
    if (!importsReact(source))
        input.prepend("import React from 'react';");
    const QStringList args{QStringLiteral("--loader=") + loader,
                           QStringLiteral("--format=esm"),
                           QStringLiteral("--jsx=transform"),
                           QStringLiteral("--jsx-factory=React.createElement"),
                           QStringLiteral("--jsx-fragment=React.Fragment"),
                           QStringLiteral("--target=es2020"),
                           QStringLiteral("--charset=utf8"),
                           QStringLiteral("--sourcefile=") + (sourceName.isEmpty() ? QStringLiteral("inline.jsx") : sourceName),
                           QStringLiteral("--log-level=error"),
                           QStringLiteral("--color=false")};
    return runEsbuild(args, {}, input.isEmpty() ? QByteArray(" ") : input);
}

} // namespace kinbot::miniapps
