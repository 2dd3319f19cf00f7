-- Mini-apps (miniapps.md §1): a row per app, its files on disk under <data>/mini-apps/<kinId>/<appId>/, a key-value
-- store shared by the app's frontend and its _server.js backend, and snapshots of its files for rollback.
CREATE TABLE mini_apps (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    description TEXT,
    icon TEXT,
    icon_url TEXT,
    entry_file TEXT NOT NULL DEFAULT 'index.html',
    has_backend INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX mini_apps_kin_slug_idx ON mini_apps(kin_id, slug);
CREATE INDEX mini_apps_active_idx ON mini_apps(is_active, created_at);

-- Values are JSON text; limits (key length, value size, keys per app) are enforced by MiniAppStorage.
CREATE TABLE mini_app_storage (
    app_id TEXT NOT NULL REFERENCES mini_apps(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, key)
) STRICT, WITHOUT ROWID;

-- file_manifest: JSON array of {path, size}. The copies live in <appDir>/.snapshots/<id>/ (one directory per snapshot,
-- so two snapshots of the same version never overwrite each other as the reference's do).
CREATE TABLE mini_app_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL REFERENCES mini_apps(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    label TEXT,
    file_manifest TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX mini_app_snapshots_app_idx ON mini_app_snapshots(app_id, version);
