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

void sendPieces(QStringList pieces, SendPiece sendPiece, std::function<void(Result<QString>)> done, QString firstId)
{
    if (pieces.isEmpty())
        return done(firstId);
    const QString piece = pieces.takeFirst();
    const bool first = firstId.isEmpty();
    SendPiece next = sendPiece;
    next(piece, first, [pieces = std::move(pieces), sendPiece = std::move(sendPiece), done = std::move(done), firstId](Result<QString> sent) mutable {
        if (!sent)
            return done(sent.error());
        sendPieces(std::move(pieces), std::move(sendPiece), std::move(done), firstId.isEmpty() ? sent.value() : firstId);
    });
}

} // namespace kinbot::channels
