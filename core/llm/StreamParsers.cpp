#include "llm/StreamParsers.h"

namespace kinbot::llm {

bool LineBuffer::nextLine(QByteArray &line)
{
    const qsizetype nl = m_buffer.indexOf('\n', m_pos);
    if (nl < 0) {
        // Compact once everything before m_pos was consumed, so the buffer does not grow with the stream.
        if (m_pos > 0) {
            m_buffer.remove(0, m_pos);
            m_pos = 0;
        }
        return false;
    }
    qsizetype end = nl;
    if (end > m_pos && m_buffer.at(end - 1) == '\r')
        --end;
    line = m_buffer.mid(m_pos, end - m_pos);
    m_pos = nl + 1;
    return true;
}

QByteArray LineBuffer::takeRest()
{
    QByteArray rest = m_buffer.mid(m_pos);
    clear();
    if (rest.endsWith('\r'))
        rest.chop(1);
    return rest;
}

bool SseParser::next(SseEvent &out)
{
    QByteArray line;
    while (m_lines.nextLine(line)) {
        if (line.isEmpty()) {
            if (!m_hasData) {
                m_current = {};
                continue;
            }
            out = m_current;
            m_current = {};
            m_hasData = false;
            return true;
        }
        if (line.startsWith(':'))
            continue; // comment / keep-alive
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "event") {
            m_current.event = value;
        } else if (field == "data") {
            if (m_hasData)
                m_current.data += '\n';
            m_current.data += value;
            m_hasData = true;
        }
        // id / retry: not needed for one-shot model streams.
    }
    return false;
}

bool SseParser::takePending(SseEvent &out)
{
    const QByteArray rest = m_lines.takeRest();
    if (!rest.isEmpty()) {
        m_lines.feed(rest + "\n\n");
        if (next(out))
            return true;
    }
    if (!m_hasData)
        return false;
    out = m_current;
    m_current = {};
    m_hasData = false;
    return true;
}

void SseParser::clear()
{
    m_lines.clear();
    m_current = {};
    m_hasData = false;
}

} // namespace kinbot::llm
