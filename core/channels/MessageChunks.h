#pragma once

#include "util/Result.h"

#include <QStringList>

#include <functional>

namespace kinbot::channels {

// Splits a reply into pieces of at most maxChars, cutting at the last paragraph break, else line break, else
// sentence end, else space, else hard, inside each window (the platforms' message size limits, engine.md §9.3).
QStringList chunkMessage(const QString &text, int maxChars);

// Sends one piece of a message: its text, whether it is the first piece sent (the one that replies to the inbound
// message), and where the platform's id of the sent piece goes.
using SendPiece = std::function<void(const QString &piece, bool first, std::function<void(Result<QString>)> sent)>;

// Sends the pieces one after the other, stopping at the first failure → the platform's id of the first piece (or
// firstId, when something of the message went out before them, e.g. a file).
void sendPieces(QStringList pieces, SendPiece sendPiece, std::function<void(Result<QString>)> done, QString firstId = {});

} // namespace kinbot::channels
