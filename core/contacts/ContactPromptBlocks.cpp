#include "contacts/ContactPromptBlocks.h"

#include "contacts/ContactService.h"

#include <QStringList>

#include <algorithm>

namespace kinbot::contactprompt {

namespace {

QString oneLine(QString text, int max)
{
    text = text.simplified();
    if (text.size() > max)
        text = text.left(max - 1) + QChar(0x2026);
    return text;
}

} // namespace

QString knownContacts(const QList<Contact> &contacts, const std::function<QString(const QString &)> &kinSlug)
{
    if (contacts.isEmpty())
        return {};
    QList<Contact> sorted = contacts;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Contact &a, const Contact &b) { return a.updatedAt > b.updatedAt; });
    QStringList lines{QStringLiteral("## Known contacts"),
                      QStringLiteral("People and Kins you know (use get_contact with the id for details and notes):")};
    const int listed = int(qMin<qsizetype>(sorted.size(), kMaxListed));
    for (int i = 0; i < listed; ++i) {
        const Contact &c = sorted.at(i);
        QString line = QStringLiteral("- ") + oneLine(c.name, 80);
        if (!c.linkedKinId.isEmpty()) {
            const QString slug = kinSlug ? kinSlug(c.linkedKinId) : QString();
            if (!slug.isEmpty())
                line += QStringLiteral(" (Kin: %1)").arg(slug);
        }
        line += QStringLiteral(" — ") + c.type;
        if (!c.linkedUserId.isEmpty())
            line += QStringLiteral(", platform user") + (c.linkedUserName.isEmpty() ? QString() : QStringLiteral(" ") + oneLine(c.linkedUserName, 60));
        QStringList details;
        for (const ContactIdentifier &id : c.identifiers)
            details << QStringLiteral("%1: %2").arg(oneLine(id.label, 30), oneLine(id.value, 80));
        for (const ContactPlatformId &p : c.platformIds)
            details << QStringLiteral("%1 id: %2").arg(p.platform, oneLine(p.platformId, 60));
        if (details.size() > 4) {
            const int more = int(details.size()) - 4;
            details = details.mid(0, 4);
            details << QStringLiteral("+%1 more").arg(more);
        }
        if (!details.isEmpty())
            line += QStringLiteral("; ") + details.join(QStringLiteral(", "));
        line += QStringLiteral(" [id: %1]").arg(c.id);
        lines << line;
    }
    if (sorted.size() > listed)
        lines << QStringLiteral("(%1 more contacts not listed: use search_contacts.)").arg(sorted.size() - listed);
    return lines.join(QLatin1Char('\n'));
}

QString speakerNotes(const Contact &speaker, const QString &kinId)
{
    QStringList shared;
    QStringList own;
    for (const ContactNote &n : ContactService::notesVisibleTo(speaker.notes, kinId)) {
        if (n.scope == QLatin1String("global"))
            shared << oneLine(n.content, 1000);
        else
            own << oneLine(n.content, 1000);
    }
    QStringList lines{QStringLiteral("- Contact id: %1").arg(speaker.id)};
    if (!shared.isEmpty())
        lines << QStringLiteral("- Shared notes: ") + shared.join(QStringLiteral(" | "));
    if (!own.isEmpty())
        lines << QStringLiteral("- Your private notes: ") + own.join(QStringLiteral(" | "));
    if (shared.isEmpty())
        lines << QStringLiteral("PRIORITY: nothing is noted about this person yet. Introduce yourself, ask two or three questions "
                                "to get to know them (what they do, what they expect from you), and save what you learn with "
                                "set_contact_note (scope global for facts every Kin may use).");
    else
        lines << QStringLiteral("When the moment is casual, enrich these notes with set_contact_note as you learn more.");
    return lines.join(QLatin1Char('\n'));
}

} // namespace kinbot::contactprompt
