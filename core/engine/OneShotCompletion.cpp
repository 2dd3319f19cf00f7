#include "engine/OneShotCompletion.h"

#include "llm/LlmErrors.h"

#include <QJsonDocument>
#include <QPointer>

namespace kinbot {

void completeOnce(std::shared_ptr<llm::LlmClient> client, const llm::ChatRequest &request, QObject *context,
                  const QString &failureCode, std::function<void(Result<llm::ChatResult>)> done)
{
    llm::ChatStream *stream = client->streamChat(request, context);
    if (!stream) {
        QMetaObject::invokeMethod(context, [done, failureCode] {
            done(ApiError{ErrorKind::BadGateway, failureCode, QStringLiteral("The provider cannot serve this request")});
        }, Qt::QueuedConnection);
        return;
    }
    auto finish = std::make_shared<std::function<void(Result<llm::ChatResult>)>>(std::move(done));
    QObject::connect(stream, &llm::ChatStream::finished, context, [stream, client, finish](const llm::ChatResult &r) {
        stream->deleteLater();
        (*finish)(r);
    });
    QObject::connect(stream, &llm::ChatStream::failed, context, [stream, client, finish, failureCode](const llm::LlmError &e) {
        stream->deleteLater();
        (*finish)(ApiError{ErrorKind::BadGateway, failureCode, QStringLiteral("The model call failed: %1").arg(e.message)});
    });
}

std::optional<QJsonObject> firstJsonObject(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    for (qsizetype start = utf8.indexOf('{'); start >= 0; start = utf8.indexOf('{', start + 1)) {
        // Find the matching brace outside strings, then let the real parser decide.
        int depth = 0;
        bool inString = false, escaped = false;
        for (qsizetype i = start; i < utf8.size(); ++i) {
            const char c = utf8.at(i);
            if (inString) {
                if (escaped)
                    escaped = false;
                else if (c == '\\')
                    escaped = true;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
                inString = true;
            else if (c == '{')
                ++depth;
            else if (c == '}' && --depth == 0) {
                QJsonParseError err;
                const QJsonDocument doc = QJsonDocument::fromJson(utf8.mid(start, i - start + 1), &err);
                if (err.error == QJsonParseError::NoError && doc.isObject())
                    return doc.object();
                break;
            }
        }
    }
    return std::nullopt;
}

} // namespace kinbot
