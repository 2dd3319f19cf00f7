#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

#include <memory>

namespace kinbot {

struct KinRecord;
struct ToolDefinition;
namespace plugins {
class PluginService;
}

// plugin_<plugin>_<tool>, every character outside [A-Za-z0-9_] as "_", at most 64 characters (the models' limit).
QString pluginToolName(const QString &plugin, const QString &tool);

// The running plugins' tools a Kin opted into (toolConfig.enabledOptInTools; the Hub Kin gets them all) for one main
// turn (engine.md §11): domain "plugin:<plugin>", description "[Plugin: <plugin>] …", executed on the plugin's thread.
QList<std::shared_ptr<const ToolDefinition>> pluginTurnTools(plugins::PluginService &service, const KinRecord &kin, bool isHub);

// GET /api/kins/:id/tools: one nativeTools group per running plugin {domain: "plugin:<name>", tools: [{name, enabled,
// defaultDisabled: true}]}.
QJsonArray pluginToolListing(const plugins::PluginService &service, const KinRecord &kin, bool isHub);

} // namespace kinbot
