#include "mcp/McpStdioTransport.h"

#include <QDir>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <csignal>
#include <unistd.h>
#endif

namespace kinbot {

McpStdioTransport::McpStdioTransport(QString command, QStringList args, QMap<QString, QString> env, QObject *parent)
    : McpTransport(parent), m_command(std::move(command)), m_args(std::move(args)), m_env(std::move(env))
{
}

McpStdioTransport::~McpStdioTransport()
{
    close();
}

void McpStdioTransport::open()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A desktop app's PATH is often shorter than the user's shell's (npx, uvx live in these).
    QStringList path = env.value(QStringLiteral("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    for (const QString &extra : {QStringLiteral("/usr/local/bin"), QDir::homePath() + QStringLiteral("/.local/bin")})
        if (!path.contains(extra))
            path.append(extra);
    env.insert(QStringLiteral("PATH"), path.join(QLatin1Char(':')));
    for (auto it = m_env.begin(); it != m_env.end(); ++it)
        env.insert(it.key(), it.value());

    QString program = m_command;
    if (!program.contains(QLatin1Char('/'))) {
        program = QStandardPaths::findExecutable(m_command, path);
        if (program.isEmpty()) { // answered from the event loop, as a start failure would be
            QTimer::singleShot(0, this, [this] { fail(QStringLiteral("Command not found: %1").arg(m_command)); });
            return;
        }
    }

    auto *p = new QProcess(this);
    m_process = p;
    p->setProgram(program);
    p->setArguments(m_args);
    p->setProcessEnvironment(env);
    p->setProcessChannelMode(QProcess::SeparateChannels);
#ifdef Q_OS_UNIX
    p->setChildProcessModifier([] { ::setsid(); });
#endif
    connect(p, &QProcess::started, this, [this] {
        if (!m_closed)
            Q_EMIT opened();
    });
    connect(p, &QProcess::readyReadStandardOutput, this, &McpStdioTransport::onStdout);
    connect(p, &QProcess::readyReadStandardError, this, &McpStdioTransport::onStderr);
    connect(p, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(QStringLiteral("Cannot start %1: %2").arg(m_command, m_process ? m_process->errorString() : QString()));
    });
    connect(p, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        onStdout();
        onStderr();
        const QString how = status == QProcess::CrashExit ? QStringLiteral("crashed") : QStringLiteral("exited with code %1").arg(code);
        const QString tail = stderrTail();
        fail(QStringLiteral("The MCP server %1").arg(how) + (tail.isEmpty() ? QString() : QStringLiteral(": ") + tail));
    });
    p->start();
}

void McpStdioTransport::send(const QJsonObject &message)
{
    if (m_closed || !m_process)
        return;
    m_process->write(QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n');
}

void McpStdioTransport::onStdout()
{
    if (!m_process)
        return;
    m_buffer += m_process->readAllStandardOutput();
    qsizetype nl;
    while (!m_closed && (nl = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(nl).trimmed();
        m_buffer.remove(0, nl + 1);
        if (line.isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            Q_EMIT message(doc.object());
        else if (doc.isArray())
            for (const QJsonValue &v : doc.array())
                if (v.isObject() && !m_closed)
                    Q_EMIT message(v.toObject());
        // Anything else is a stray log line on stdout: ignored.
    }
    if (m_buffer.size() > kMaxLineBytes)
        fail(QStringLiteral("The MCP server wrote a line longer than %1 bytes").arg(kMaxLineBytes));
}

void McpStdioTransport::onStderr()
{
    if (!m_process)
        return;
    m_stderr += m_process->readAllStandardError();
    if (m_stderr.size() > kStderrTail)
        m_stderr = m_stderr.right(kStderrTail);
}

QString McpStdioTransport::stderrTail() const
{
    return QString::fromUtf8(m_stderr).trimmed().right(500);
}

void McpStdioTransport::fail(const QString &reason)
{
    if (m_closed)
        return;
    close();
    Q_EMIT closed(reason);
}

void McpStdioTransport::close()
{
    if (m_closed)
        return;
    m_closed = true;
    if (!m_process)
        return;
    QProcess *p = m_process;
    p->disconnect(this);
    if (p->state() != QProcess::NotRunning) {
#ifdef Q_OS_UNIX
        if (const qint64 pid = p->processId(); pid > 0)
            ::kill(-pid_t(pid), SIGKILL); // the server and whatever it started
#endif
        p->kill();
        p->waitForFinished(1000); // SIGKILL: reaped at once
    }
    p->deleteLater();
    m_process = nullptr;
}

} // namespace kinbot
