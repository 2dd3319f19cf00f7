#pragma once

#include "llm/ClientSettings.h"
#include "llm/HttpChatStream.h"
#include "llm/StreamParsers.h"

namespace kinbot::llm {

// Ollama's native chat (`POST {base}/api/chat`, stream: true): NDJSON lines {message:{content, tool_calls}, done};
// the last line has done:true with done_reason and token counts. Tool calls arrive whole with object arguments.
class OllamaChatStream final : public HttpChatStream
{
    Q_OBJECT
public:
    OllamaChatStream(QNetworkAccessManager &network, const ClientSettings &settings, const ChatRequest &request,
                     QObject *parent);

    static QJsonObject requestBody(const ChatRequest &request);

protected:
    void beginAttempt() override;
    void consume(const QByteArray &bytes) override;
    void endOfBody() override;

private:
    void handleLine(const QByteArray &line);

    LineBuffer m_lines;
};

} // namespace kinbot::llm
