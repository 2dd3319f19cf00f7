#pragma once

namespace kinbot {

class MessageStore;
class ToolRegistry;
class VaultService;

struct VaultToolDeps
{
    VaultService &vault;
    MessageStore &messages;
};

// The vault domain (engine.md §10.2): get_secret, redact_message, create_secret, update_secret, delete_secret,
// search_secrets, get_vault_entry, create_vault_entry, create_vault_type, get_vault_attachment. Also makes the registry
// expand {{secret:…}} placeholders through the vault for the tools that accept them (http_request).
//
// Unlike the reference, no tool hands a value to the model: reading tools answer with placeholders that only the
// executing tools expand, and the values a Kin writes are masked in everything the turn stores, publishes or replays.
void registerVaultTools(ToolRegistry &registry, const VaultToolDeps &deps);

} // namespace kinbot
