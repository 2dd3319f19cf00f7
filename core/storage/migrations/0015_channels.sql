-- Channels (engine.md §9, rest.md §3.6): a Kin reachable through an outside messaging platform (Telegram, Slack…).
-- Times are epoch milliseconds. platform_config is JSON: vault key names (botTokenVaultKey…), allowedChatIds and
-- other per-platform ids; secrets themselves are in the vault, never here.
CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_config TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'inactive' CHECK (status IN ('active', 'inactive', 'error')),
    status_message TEXT,
    auto_create_contacts INTEGER NOT NULL DEFAULT 0,
    messages_received INTEGER NOT NULL DEFAULT 0,
    messages_sent INTEGER NOT NULL DEFAULT 0,
    last_activity_at INTEGER,
    created_by TEXT NOT NULL DEFAULT 'user' CHECK (created_by IN ('user', 'kin')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX channels_kin_idx ON channels(kin_id);

-- Senders a channel does not know yet, waiting for a user to approve them (status 'pending'); an approval links
-- them to a contact (contact_platform_ids) and removes the mapping.
CREATE TABLE channel_user_mappings (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    platform_user_id TEXT NOT NULL,
    platform_username TEXT,
    platform_display_name TEXT,
    contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (channel_id, platform_user_id)
) STRICT;
CREATE INDEX channel_user_mappings_status_idx ON channel_user_mappings(status);

-- Which platform message a Kin message came from or went to. message_id: the queue item (= channelOriginId) for
-- inbound messages, the Kin's reply row for outbound ones.
CREATE TABLE channel_message_links (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    platform_message_id TEXT,
    platform_chat_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX channel_message_links_channel_idx ON channel_message_links(channel_id, created_at);
