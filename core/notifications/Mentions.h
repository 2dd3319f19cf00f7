#pragma once

#include <QString>
#include <QStringList>

namespace kinbot {

class Database;
class NotificationService;

// @mentions in a message a user sent to a Kin: every other user whose pseudonym is mentioned (case-insensitive)
// gets a `mention` notification pointing at the Kin's conversation.
class Mentions final
{
public:
    // The distinct @words of a text, lower-cased ("@Bob, @bob and @carol_2" → bob, carol_2).
    static QStringList parse(const QString &text);

    // → the number of users notified.
    static int notify(const Database &db, NotificationService &notifications, const QString &senderUserId, const QString &kinId,
                      const QString &kinName, const QString &content);
};

} // namespace kinbot
