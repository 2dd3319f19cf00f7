# Sources of contacts (core/contacts): the people and Kins the Kins know, their REST routes and tools; relative to core/.
set(KINBOT_CONTACTS_SOURCES
  api/ContactsController.cpp api/ContactsController.h
  contacts/Contact.cpp contacts/Contact.h
  contacts/ContactPromptBlocks.cpp contacts/ContactPromptBlocks.h
  contacts/ContactService.cpp contacts/ContactService.h
  contacts/ContactStore.cpp contacts/ContactStore.h
  engine/tools/ContactTools.cpp engine/tools/ContactTools.h
)
