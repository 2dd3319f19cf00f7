-- The Vault (rest.md §3.15): secrets / typed entries, custom entry types and encrypted attachments.
-- Shapes follow the reference schema (rest.md §4); times are epoch ms.

-- Custom entry types (the built-in ones — text, credential, card, note, identity — are code, not rows).
-- fields: JSON [{name, label, type, required?, placeholder?}].
CREATE TABLE vault_types (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    icon TEXT,
    fields TEXT NOT NULL,
    is_built_in INTEGER NOT NULL DEFAULT 0,
    created_by_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- One row per secret / typed entry. encrypted_value: base64(nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16)), the
-- reference's layout, with the associated data "vault:<id>" binding it to its row. Text entries hold the value itself,
-- typed entries the JSON object of their fields. vault_type_id links entries of a custom type (so the type cannot be
-- deleted while in use).
CREATE TABLE vault_secrets (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    encrypted_value TEXT NOT NULL,
    description TEXT,
    entry_type TEXT NOT NULL DEFAULT 'text',
    vault_type_id TEXT REFERENCES vault_types(id) ON DELETE SET NULL,
    is_favorite INTEGER NOT NULL DEFAULT 0,
    created_by_kin_id TEXT REFERENCES kins(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX vault_secrets_entry_type_idx ON vault_secrets(entry_type);
CREATE INDEX vault_secrets_type_id_idx ON vault_secrets(vault_type_id);

-- Files of an entry, stored encrypted (raw nonce ‖ ciphertext ‖ tag, associated data "vault-attachment:<id>") at
-- <dataDir>/vault/<entry_id>/<id>.enc. stored_path is informative (relative to the data dir): the server always derives
-- the path from the two ids, never from a stored or client-given path.
CREATE TABLE vault_attachments (
    id TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL REFERENCES vault_secrets(id) ON DELETE CASCADE,
    original_name TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX vault_attachments_entry_idx ON vault_attachments(entry_id, created_at);
