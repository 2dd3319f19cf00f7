#pragma once

#include "llm/ClientSettings.h"
#include "llm/HttpChatStream.h"
#include "llm/StreamParsers.h"

#include <QMap>

namespace kinbot::llm {

// Anthropic Messages (`POST {base}/v1/messages`, stream: true): message_start, content_block_start/delta/stop
// (text_delta, input_json_delta), message_delta (stop_reason, usage), message_stop; `error` events mid-stream.
class AnthropicChatStream final : public HttpChatStream
{
    Q_OBJECT
public:
    static constexpr int kDefaultMaxTokens = 8192;
    static constexpr const char *kApiVersion = "2023-06-01";

    AnthropicChatStream(QNetworkAccessManager &network, const ClientSettings &settings, const ChatRequest &request,
                        QObject *parent);

    static QJsonObject requestBody(const ChatRequest &request);

protected:
    void beginAttempt() override;
    void consume(const QByteArray &bytes) override;
    void endOfBody() override;

private:
    struct Block
    {
        QString type; // "text" | "tool_use" | "thinking" | …
        QString id;
        QString name;
        QByteArray json;
        bool streamed = false;
    };
    void handleEvent(const SseEvent &ev);

    SseParser m_sse;
    QMap<int, Block> m_blocks; // by content block index
    QString m_stopReason;      // normalised, from message_delta
};

} // namespace kinbot::llm
