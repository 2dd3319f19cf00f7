-- Accounts, sessions, profiles, invitations, API keys and settings: the base every other migration builds on.
-- Timestamps are epoch milliseconds (INTEGER). Column names follow the reference schema where one exists.

CREATE TABLE user (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    email_verified INTEGER NOT NULL DEFAULT 0,
    image TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- The reference keeps session tokens in clear; we keep only their SHA-256, so a copied database cannot be replayed.
CREATE TABLE session (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    ip_address TEXT,
    user_agent TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX session_user_idx ON session(user_id);

-- provider_id 'credential' holds the scrypt hash "<saltHex>:<keyHex>" (Better-Auth compatible format).
CREATE TABLE account (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    password TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX account_user_idx ON account(user_id);

CREATE TABLE user_profiles (
    user_id TEXT PRIMARY KEY REFERENCES user(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    kin_order TEXT,
    cron_order TEXT
) STRICT;

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    label TEXT,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    created_by TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    kin_id TEXT,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by TEXT REFERENCES user(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- API keys for scripts (X-API-Key). Only the SHA-256 of the secret is stored; prefix is shown to the user.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at INTEGER
) STRICT;
CREATE INDEX api_keys_user_idx ON api_keys(user_id);

CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
