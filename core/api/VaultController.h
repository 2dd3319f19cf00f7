#pragma once

#include "http/Route.h"

#include <QObject>

class QThreadPool;

namespace kinbot {

class VaultService;

// /api/vault (rest.md §3.15): legacy secrets, typed entries, attachments (encrypted files, sealed and opened off the
// main thread) and custom types. Values only ever appear in GET /api/vault/entries/:id and attachment downloads.
//
// Wire shapes and codes follow the reference, except:
// - a value that does not decrypt (another key, altered data) answers 500 DECRYPTION_FAILED with a message naming the
//   likely cause — the reference throws (500 INTERNAL_ERROR); never a garbled value;
// - malformed JSON is 400 INVALID_JSON (reference: 500), wrong member types are 400 INVALID_INPUT (reference: stored
//   as sent or 500), typed values are checked against their type's required fields, unknown entry types are refused;
// - a taken custom-type slug is 409 SLUG_TAKEN (reference: 400 CREATE_FAILED with the SQLite error text), and a type
//   that entries use cannot be deleted (the reference never links entries to their type, so its check never fires);
// - attachment names are reduced to their last path segment and MIME types to a plain type/subtype.
class VaultController final
{
public:
    // Request bodies of an attachment upload: the file cap plus room for the multipart framing.
    static qint64 maxUploadBody();

    VaultController(VaultService &vault, QThreadPool &pool);
    ~VaultController();

    // legacy secrets
    void listSecrets(const ExchangePtr &ex);
    void createSecret(const ExchangePtr &ex);
    void updateSecret(const ExchangePtr &ex);
    void deleteSecret(const ExchangePtr &ex);
    // typed entries
    void listEntries(const ExchangePtr &ex);
    void createEntry(const ExchangePtr &ex);
    void getEntry(const ExchangePtr &ex);
    void updateEntry(const ExchangePtr &ex);
    void deleteEntry(const ExchangePtr &ex);
    // attachments
    void listAttachments(const ExchangePtr &ex);
    void uploadAttachment(const ExchangePtr &ex);
    void downloadAttachment(const ExchangePtr &ex);
    void deleteAttachment(const ExchangePtr &ex);
    // types
    void listTypes(const ExchangePtr &ex);
    void createType(const ExchangePtr &ex);
    void updateType(const ExchangePtr &ex);
    void deleteType(const ExchangePtr &ex);

private:
    VaultService &m_vault;
    QThreadPool &m_pool;
    QObject m_context; // continuations of off-thread work come back here (dropped once the controller is gone)
};

} // namespace kinbot
