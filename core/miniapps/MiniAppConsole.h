#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot {

// The browser console of each mini-app as relayed by the UI (POST /api/mini-apps/:id/console): the last 50 entries
// per app, in memory (lost on restart, as in the reference). Main thread.
class MiniAppConsole final
{
public:
    static constexpr int kMaxEntries = 50;
    static constexpr int kMaxArgs = 20;
    static constexpr int kMaxStack = 2000;

    struct Entry
    {
        QString level; // log | warn | error
        QStringList args;
        std::optional<QString> stack;
        qint64 timestamp = 0;
    };

    static bool isLevel(const QString &l)
    {
        return l == QLatin1String("log") || l == QLatin1String("warn") || l == QLatin1String("error");
    }

    void append(const QString &appId, Entry e)
    {
        if (e.args.size() > kMaxArgs)
            e.args = e.args.mid(0, kMaxArgs);
        if (e.stack && e.stack->size() > kMaxStack)
            e.stack = e.stack->left(kMaxStack);
        QList<Entry> &ring = m_entries[appId];
        ring.append(std::move(e));
        while (ring.size() > kMaxEntries)
            ring.removeFirst();
    }
    // Oldest first; level empty = all.
    QList<Entry> entries(const QString &appId, const QString &level = {}) const
    {
        QList<Entry> out;
        for (const Entry &e : m_entries.value(appId))
            if (level.isEmpty() || e.level == level)
                out.append(e);
        return out;
    }
    void clear(const QString &appId) { m_entries.remove(appId); }

    static QJsonObject toJson(const Entry &e)
    {
        return {{QStringLiteral("level"), e.level},
                {QStringLiteral("args"), QJsonArray::fromStringList(e.args)},
                {QStringLiteral("stack"), e.stack ? QJsonValue(*e.stack) : QJsonValue()},
                {QStringLiteral("timestamp"), e.timestamp}};
    }

private:
    QHash<QString, QList<Entry>> m_entries;
};

} // namespace kinbot
