#include "ChatStreamRecorder.h"

#include <QtCore/qtestsupport_core.h>

namespace kinbot::test {

using namespace kinbot::llm;

ChatStreamRecorder::ChatStreamRecorder(ChatStream *s) : stream(s)
{
    QObject::connect(s, &ChatStream::textDelta, s, [this](const QString &t) {
        texts.append(t);
        events.append(QStringLiteral("text"));
    });
    QObject::connect(s, &ChatStream::toolCallStarted, s, [this](const QString &id, const QString &name) {
        started.append({id, name});
        events.append(QStringLiteral("started"));
    });
    QObject::connect(s, &ChatStream::toolCallReady, s, [this](const ToolCall &c) {
        ready.append(c);
        events.append(QStringLiteral("ready"));
    });
    QObject::connect(s, &ChatStream::finished, s, [this](const ChatResult &r) {
        result = r;
        ++finishedCount;
        events.append(QStringLiteral("finished"));
    });
    QObject::connect(s, &ChatStream::failed, s, [this](const LlmError &e) {
        error = e;
        ++failedCount;
        events.append(QStringLiteral("failed"));
    });
}

bool ChatStreamRecorder::wait(int timeoutMs)
{
    return QTest::qWaitFor([this] { return done(); }, timeoutMs);
}

} // namespace kinbot::test
