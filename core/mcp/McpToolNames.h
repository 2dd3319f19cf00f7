#pragma once

#include <QString>

namespace kinbot::mcp {

// A name as it may appear in a tool key: lower-case ASCII, accents stripped, anything else → '_', runs of '_' merged,
// no '_' at either end; a name with nothing left becomes a short hash of itself.
QString sanitize(const QString &name);
// The key a Kin's model sees for a server's tool (engine.md §10.4): mcp_<server>_<tool>, at most 64 characters (the
// providers' limit; a longer key keeps its head and ends with a hash of the whole).
QString toolKey(const QString &serverName, const QString &toolName);

} // namespace kinbot::mcp
