#pragma once

#include "mcp/McpTransport.h"

#include <QMap>
#include <QPointer>
#include <QProcess>
#include <QStringList>

namespace kinbot {

// MCP over stdio: runs `command args…` (PATH searched with /usr/local/bin and ~/.local/bin added, env added to the
// inherited environment), one JSON-RPC message per line on stdin/stdout; stderr is kept (its tail explains an exit).
// On Unix the server runs in its own session so close() kills its whole process tree.
class McpStdioTransport final : public McpTransport
{
    Q_OBJECT
public:
    McpStdioTransport(QString command, QStringList args, QMap<QString, QString> env, QObject *parent = nullptr);
    ~McpStdioTransport() override;

    void open() override;
    void send(const QJsonObject &message) override;
    void close() override;

    static constexpr qsizetype kMaxLineBytes = 16 * 1024 * 1024;
    static constexpr qsizetype kStderrTail = 2000;

private:
    void onStdout();
    void onStderr();
    void fail(const QString &reason);
    QString stderrTail() const;

    QString m_command;
    QStringList m_args;
    QMap<QString, QString> m_env;
    QPointer<QProcess> m_process;
    QByteArray m_buffer;
    QByteArray m_stderr;
    bool m_closed = false;
};

} // namespace kinbot
