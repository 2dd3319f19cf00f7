-- Contacts (rest.md §3.11, §4): the people and Kins the household's Kins know about. A contact may be linked to a
-- user account (one contact per user: onboarding creates it) and/or to a Kin. Deleting a user or a Kin only unlinks
-- (SET NULL): the contact and what the Kins wrote about it stay. Times are epoch milliseconds.
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('human', 'kin')),
    linked_user_id TEXT REFERENCES user(id) ON DELETE SET NULL,
    linked_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX contacts_linked_user_idx ON contacts(linked_user_id) WHERE linked_user_id IS NOT NULL;
CREATE INDEX contacts_linked_kin_idx ON contacts(linked_kin_id);

-- Free-form ways to reach or recognise a contact: {label: "email", value: "ada@example.org"}.
CREATE TABLE contact_identifiers (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX contact_identifiers_contact_idx ON contact_identifiers(contact_id);

-- Channel sender ids (telegram user id, phone number…): one contact per (platform, platform_id), across all channels.
CREATE TABLE contact_platform_ids (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (platform, platform_id)
) STRICT;
CREATE INDEX contact_platform_ids_contact_idx ON contact_platform_ids(contact_id);

-- What a Kin noted about a contact: one private note (only that Kin sees it) and one global note per Kin and contact.
CREATE TABLE contact_notes (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('private', 'global')),
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (contact_id, kin_id, scope)
) STRICT;
CREATE INDEX contact_notes_kin_idx ON contact_notes(kin_id);
