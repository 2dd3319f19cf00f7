#pragma once

namespace kinbot {

class ChannelService;
class ToolRegistry;

// list_channels, send_channel_message, activate_channel, deactivate_channel (engine.md §10.2), main conversations
// only. A Kin sees and drives its own channels. Replies to channel messages need no tool (they go back by themselves);
// send_channel_message is for proactive messages to a chat.
void registerChannelTools(ToolRegistry &registry, ChannelService &channels);

} // namespace kinbot
