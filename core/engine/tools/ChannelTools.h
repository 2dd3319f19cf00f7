#pragma once

#include <QString>

namespace kinbot {

class ChannelService;
class KinService;
class ToolRegistry;

// The channel tools (engine.md §10.2), main conversations only. A Kin sees and drives its own channels: list_channels,
// list_channel_conversations, send_channel_message, activate_channel, deactivate_channel, attach_file, and the opt-in
// create_channel, update_channel, delete_channel. Replies to channel messages need no tool (they go back by
// themselves); send_channel_message is for proactive messages to a chat. attach_file takes files from the Kin's
// workspace or the data dir (uploads, stored files).
void registerChannelTools(ToolRegistry &registry, ChannelService &channels, KinService &kins, const QString &dataDir);

} // namespace kinbot
