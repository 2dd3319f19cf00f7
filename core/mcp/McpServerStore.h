#pragma once

#include "mcp/McpServer.h"
#include "util/Result.h"

#include <optional>

namespace kinbot {

class Database;
class SecretBox;

// SQL over mcp_servers and kin_mcp_servers; env and headers are sealed here (SecretBox, bound to the row's id) and
// opened on read. No validation, no events (that is McpService).
class McpServerStore final
{
public:
    McpServerStore(const Database &db, const SecretBox &box) : m_db(db), m_box(box) {}

    Status insert(const McpServerRecord &s);
    Status update(const McpServerRecord &s);
    Result<bool> remove(const QString &id);
    Result<std::optional<McpServerRecord>> find(const QString &id) const;
    Result<QList<McpServerRecord>> list() const; // oldest first

    Result<bool> kinExists(const QString &kinId) const;
    // Links of a Kin (kin_mcp_servers).
    Result<QStringList> linkedTo(const QString &kinId) const;
    Status setLinks(const QString &kinId, const QStringList &serverIds);

private:
    Result<McpServerRecord> fromRow(const QVariantList &row) const;
    QVariant seal(const QString &id, const char *what, const QMap<QString, QString> &map) const;

    const Database &m_db;
    const SecretBox &m_box;
};

} // namespace kinbot
