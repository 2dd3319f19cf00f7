-- Plugins (engine.md §11, rest.md §3.9). The plugins themselves are directories under <dataDir>/plugins; these tables
-- hold what the user decided about them and what they stored. config_encrypted: the plugin's config as one JSON
-- object sealed with the data dir's key (SecretBox, context "plugin:<name>:config"), NULL when never set. Times are
-- epoch milliseconds.
CREATE TABLE plugin_states (
    name TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 0,
    config_encrypted TEXT,
    approved_permissions TEXT NOT NULL DEFAULT '[]',
    install_source TEXT NOT NULL DEFAULT 'local' CHECK (install_source IN ('local', 'git', 'npm')),
    install_meta TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- ctx.storage of a plugin: JSON values by key.
CREATE TABLE plugin_storage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plugin_name TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (plugin_name, key)
) STRICT;
