#pragma once

#include "FakeLlmServer.h"

// How FakeLlmServer writes one scripted reply in each provider's wire format.
namespace kinbot::test::fakewire {

// One write of a streamed answer. `content` marks the writes that carry a scripted chunk (a text delta or a tool-call
// fragment): FakeReply::cutAfter counts those.
struct Frame
{
    QByteArray bytes;
    bool content = false;
};

struct Rendered
{
    QByteArray contentType;
    QList<Frame> frames;
};

// A chat answer in `style`'s wire. `stream` = the request asked for a stream (OpenAI/Ollama `stream`, Gemini
// `alt=sse`); `request` is the parsed request body; `sequence` makes ids unique.
Rendered renderChat(const QString &style, const FakeReply &reply, const QString &model, bool stream,
                    const QJsonObject &request, int sequence);

// The default error body of `style` for an HTTP status.
QByteArray errorBody(const QString &style, int status);

// The model listing in `style`'s shape (OpenAI /v1/models, Anthropic /v1/models, Gemini /v1beta/models, Ollama /api/tags).
QByteArray modelsBody(const QString &style, const QStringList &models);

} // namespace kinbot::test::fakewire
