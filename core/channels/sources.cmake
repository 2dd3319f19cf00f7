# Sources of channels (core/channels): rows, the inbound pipeline, the platform adapters and their routes; relative to core/.
set(KINBOT_CHANNELS_SOURCES
  api/ChannelsController.cpp api/ChannelsController.h
  engine/tools/ChannelTools.cpp engine/tools/ChannelTools.h
  channels/Channel.cpp channels/Channel.h
  channels/ChannelAdapter.h
  channels/ChannelDownload.cpp channels/ChannelDownload.h
  channels/ChannelService.cpp channels/ChannelService.h channels/ChannelServiceWebhooks.cpp
  channels/ChannelStore.cpp channels/ChannelStore.h
  channels/DiscordAdapter.cpp channels/DiscordAdapter.h
  channels/MatrixAdapter.cpp channels/MatrixAdapter.h
  channels/MessageChunks.cpp channels/MessageChunks.h
  channels/PlatformHttp.cpp channels/PlatformHttp.h
  channels/SignalAdapter.cpp channels/SignalAdapter.h
  channels/SlackAdapter.cpp channels/SlackAdapter.h
  channels/TelegramAdapter.cpp channels/TelegramAdapter.h
  channels/WhatsAppAdapter.cpp channels/WhatsAppAdapter.h
)
