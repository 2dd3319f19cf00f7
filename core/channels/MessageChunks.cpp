#include "channels/MessageChunks.h"

#include <QRegularExpression>

namespace kinbot::channels {

QStringList chunkMessage(const QString &text, int maxChars)
{
    QStringList out;
    QString rest = text;
    while (rest.size() > maxChars) {
        const QString window = rest.left(maxChars);
        qsizetype cut = window.lastIndexOf(QStringLiteral("\n\n"));
        if (cut <= 0)
            cut = window.lastIndexOf(QLatin1Char('\n'));
        if (cut <= 0) {
            static const QRegularExpression sentenceEnd(QStringLiteral("[.!?](\\s)"));
            qsizetype best = -1;
            for (auto it = sentenceEnd.globalMatch(window); it.hasNext();)
                best = it.next().capturedStart(1);
            cut = best;
        }
        if (cut <= 0)
            cut = window.lastIndexOf(QLatin1Char(' '));
        if (cut <= 0)
            cut = maxChars;
        const QString piece = rest.left(cut).trimmed();
        if (!piece.isEmpty())
            out.append(piece);
        rest = rest.mid(cut);
        while (!rest.isEmpty() && rest.front().isSpace())
            rest.remove(0, 1);
    }
    if (!rest.trimmed().isEmpty())
        out.append(rest.trimmed());
    return out;
}

} // namespace kinbot::channels
