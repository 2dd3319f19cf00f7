#include "mcp/McpToolNames.h"

#include <QCryptographicHash>

namespace kinbot::mcp {

namespace {

QString shortHash(const QString &s, int chars)
{
    return QString::fromLatin1(QCryptographicHash::hash(s.toUtf8(), QCryptographicHash::Sha256).toHex().left(chars));
}

} // namespace

QString sanitize(const QString &name)
{
    const QString decomposed = name.normalized(QString::NormalizationForm_KD);
    QString out;
    for (const QChar c : decomposed) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        const QChar l = c.toLower();
        if ((l >= QLatin1Char('a') && l <= QLatin1Char('z')) || (l >= QLatin1Char('0') && l <= QLatin1Char('9')))
            out += l;
        else if (!out.endsWith(QLatin1Char('_')))
            out += QLatin1Char('_');
    }
    while (out.startsWith(QLatin1Char('_')))
        out.remove(0, 1);
    while (out.endsWith(QLatin1Char('_')))
        out.chop(1);
    return out.isEmpty() ? QStringLiteral("h") + shortHash(name, 8) : out;
}

QString toolKey(const QString &serverName, const QString &toolName)
{
    const QString key = QStringLiteral("mcp_%1_%2").arg(sanitize(serverName), sanitize(toolName));
    if (key.size() <= 64)
        return key;
    return key.left(55) + QLatin1Char('_') + shortHash(key, 8);
}

} // namespace kinbot::mcp
