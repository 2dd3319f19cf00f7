#pragma once

#include "contacts/Contact.h"

#include <QList>
#include <QString>

#include <functional>

namespace kinbot::contactprompt {

// At most this many contacts are listed in "## Known contacts" (most recently updated first); the block says how
// many were left out.
constexpr int kMaxListed = 150;

// "## Known contacts" (engine.md §1.4 block 4): one line per contact — name, the Kin's slug for a Kin contact, type,
// the linked user, a summary of identifiers and platform ids, and its id for get_contact. "" when there are none.
// kinSlug: a Kin id → its slug ("" when unknown).
QString knownContacts(const QList<Contact> &contacts, const std::function<QString(const QString &)> &kinSlug);

// Lines added under "## Current speaker" (block 6.75) when the speaker is a known contact: the shared notes and this
// Kin's own notes, then what to do about them — get to know a person nothing is noted about yet, or enrich the notes
// in a casual moment.
QString speakerNotes(const Contact &speaker, const QString &kinId);

} // namespace kinbot::contactprompt
