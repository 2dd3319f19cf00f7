#include "notifications/Mentions.h"

#include "notifications/NotificationService.h"
#include "storage/Database.h"

#include <QRegularExpression>

namespace kinbot {

QStringList Mentions::parse(const QString &text)
{
    static const QRegularExpression mention(QStringLiteral("(?:^|[^\\w@])@([A-Za-z0-9_-]{2,50})"));
    QStringList out;
    for (auto it = mention.globalMatch(text); it.hasNext();) {
        const QString word = it.next().captured(1).toLower();
        if (!out.contains(word))
            out << word;
    }
    return out;
}

int Mentions::notify(const Database &db, NotificationService &notifications, const QString &senderUserId, const QString &kinId,
                     const QString &kinName, const QString &content)
{
    const QStringList words = parse(content);
    if (words.isEmpty())
        return 0;
    auto sender = db.selectOne(QStringLiteral("SELECT pseudonym FROM user_profiles WHERE user_id = ?"), {senderUserId});
    const QString senderName = sender && sender.value() ? sender.value()->at(0).toString() : QStringLiteral("Someone");
    int notified = 0;
    for (const QString &word : words) {
        auto user = db.selectOne(QStringLiteral("SELECT user_id FROM user_profiles WHERE lower(pseudonym) = ? AND user_id <> ?"),
                                 {word, senderUserId});
        if (!user || !user.value())
            continue;
        NotificationInput n;
        n.type = QStringLiteral("mention");
        n.title = QStringLiteral("%1 mentioned you").arg(senderName);
        n.body = QStringLiteral("In the conversation with %1: %2").arg(kinName, content.simplified().left(200));
        n.kinId = kinId;
        n.relatedId = kinId;
        n.relatedType = QStringLiteral("kin");
        if (auto sent = notifications.notifyUser(user.value()->at(0).toString(), n); sent && sent.value() > 0)
            ++notified;
    }
    return notified;
}

} // namespace kinbot
