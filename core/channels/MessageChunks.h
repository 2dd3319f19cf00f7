#pragma once

#include <QStringList>

namespace kinbot::channels {

// Splits a reply into pieces of at most maxChars, cutting at the last paragraph break, else line break, else
// sentence end, else space, else hard, inside each window (the platforms' message size limits, engine.md §9.3).
QStringList chunkMessage(const QString &text, int maxChars);

} // namespace kinbot::channels
