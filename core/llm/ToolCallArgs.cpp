#include "llm/ToolCallArgs.h"

#include "util/Ids.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace kinbot::llm {

void setToolArgs(ToolCall &call, const QByteArray &json)
{
    call.args = {};
    call.argsError.clear();
    const QByteArray trimmed = json.trimmed();
    if (trimmed.isEmpty())
        return;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &err);
    if (err.error != QJsonParseError::NoError) {
        call.argsError = QStringLiteral("Invalid JSON arguments (%1 at offset %2): %3")
                             .arg(err.errorString())
                             .arg(err.offset)
                             .arg(QString::fromUtf8(trimmed.left(200)));
        return;
    }
    if (!doc.isObject()) {
        call.argsError = QStringLiteral("Tool arguments must be a JSON object: %1").arg(QString::fromUtf8(trimmed.left(200)));
        return;
    }
    call.args = doc.object();
}

QString newToolCallId() { return QStringLiteral("call_") + ids::alphanumeric(24); }

} // namespace kinbot::llm
