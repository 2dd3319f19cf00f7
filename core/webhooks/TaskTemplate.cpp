#include "webhooks/TaskTemplate.h"

#include "webhooks/PayloadPaths.h"

#include <QRegularExpression>

namespace kinbot::payload {

QString renderTemplate(const QString &tpl, const QByteArray &body)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{\\s*([^{}]+?)\\s*\\}\\}"));
    const QString raw = QString::fromUtf8(body);
    std::optional<std::optional<QJsonValue>> json; // parsed on first use
    QString out;
    qsizetype from = 0;
    for (auto it = placeholder.globalMatch(tpl); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(tpl).mid(from, m.capturedStart() - from);
        from = m.capturedEnd();
        const QString path = m.captured(1);
        if (path == QLatin1String("__payload__")) {
            out += raw;
            continue;
        }
        if (!json)
            json = parseJson(body);
        if (*json)
            if (const auto v = valueAt(**json, path))
                out += templateString(*v);
    }
    out += QStringView(tpl).mid(from);
    return out;
}

QString taskTitle(const QString &titleTemplate, const QString &webhookName, const QByteArray &body)
{
    return titleTemplate.isEmpty() ? QStringLiteral("Webhook: ") + webhookName : renderTemplate(titleTemplate, body);
}

QString taskDescription(const QString &promptTemplate, const QByteArray &body)
{
    return promptTemplate.isEmpty() ? QString::fromUtf8(body) : renderTemplate(promptTemplate, body);
}

} // namespace kinbot::payload
