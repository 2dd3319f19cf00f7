#pragma once

#include <QByteArray>

// Incremental parsers for streamed bodies. Both are pull-based so a caller can stop between two items (e.g. after
// cancel() from a signal handler) without losing or re-reading data.
namespace kinbot::llm {

// Splits a byte stream into lines ("\n" or "\r\n"); a line is returned only once its terminator arrived.
class LineBuffer
{
public:
    void feed(const QByteArray &bytes) { m_buffer += bytes; }
    bool nextLine(QByteArray &line);
    // The unterminated rest at end of stream (NDJSON allows a last line without "\n").
    QByteArray takeRest();
    void clear() { m_buffer.clear(); m_pos = 0; }

private:
    QByteArray m_buffer;
    qsizetype m_pos = 0;
};

struct SseEvent
{
    QByteArray event; // the `event:` field; empty = "message"
    QByteArray data;  // `data:` lines joined by "\n"
};

// Server-Sent Events (text/event-stream): fields event/data, comments (":"), blank line dispatches.
class SseParser
{
public:
    void feed(const QByteArray &bytes) { m_lines.feed(bytes); }
    bool next(SseEvent &out);
    // An event still missing its blank line at end of stream (some servers omit the last one).
    bool takePending(SseEvent &out);
    void clear();

private:
    LineBuffer m_lines;
    SseEvent m_current;
    bool m_hasData = false;
};

} // namespace kinbot::llm
