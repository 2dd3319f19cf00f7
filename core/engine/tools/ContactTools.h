#pragma once

namespace kinbot {

class ContactService;
class KinService;
class ToolRegistry;

// get_contact, search_contacts, create_contact, update_contact (identifiers additive), delete_contact,
// set_contact_note, find_contact_by_identifier (engine.md §10.2), main conversations only. A Kin sees every global
// note and its own private ones; other Kins' private notes never reach it.
void registerContactTools(ToolRegistry &registry, ContactService &contacts, KinService &kins);

} // namespace kinbot
