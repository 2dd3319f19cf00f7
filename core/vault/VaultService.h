#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace kinbot {

class Clock;
class Database;
class Logger;
class SecretBox;

// One row of vault_secrets, never with its value.
struct VaultEntryRecord
{
    QString id;
    QString key;
    std::optional<QString> description;
    QString entryType = QStringLiteral("text");
    QString vaultTypeId;
    bool isFavorite = false;
    QString createdByKinId;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    int attachmentCount = 0;
};

// A decrypted entry: text entries hold a string, typed entries the object of their fields.
struct VaultEntryValue
{
    QString entryType;
    QJsonValue value;
};

struct VaultNewEntry
{
    QString key;
    QString entryType = QStringLiteral("text");
    QJsonValue value;                    // string (text) or object (typed)
    std::optional<QString> description;
    bool isFavorite = false;
    QString createdByKinId;              // set when a Kin creates it
};

struct VaultEntryPatch
{
    std::optional<QString> key;
    std::optional<QJsonValue> value;
    std::optional<std::optional<QString>> description; // set → replace (nullopt inside = clear)
    std::optional<QString> entryType;
    std::optional<bool> isFavorite;
    bool checkType = true; // false: a string value is stored whatever the entry's type (the legacy secret route)
};

struct VaultTypeRecord
{
    QString id;
    QString slug;
    QString name;
    std::optional<QString> icon;
    QJsonArray fields; // [{name, label, type, required?, placeholder?}]
    bool isBuiltIn = false;
    QString createdByKinId;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

struct VaultTypePatch
{
    std::optional<QString> name;
    std::optional<std::optional<QString>> icon;
    std::optional<QJsonArray> fields;
};

struct VaultAttachmentRecord
{
    QString id;
    QString entryId;
    QString name;
    QString mimeType;
    qint64 size = 0;
    qint64 createdAt = 0;
};

// An attachment accepted for upload (limits checked, id chosen) whose encrypted file is still to be written.
struct VaultAttachmentPlan
{
    VaultAttachmentRecord record;
    QString filePath;    // <vaultDir>/<entryId>/<attachmentId>.enc
    QByteArray context;  // associated data of its ciphertext
};

// The Vault (rest.md §3.15): secrets and typed entries encrypted with AES-256-GCM under the data dir's key (each value
// bound to its row by the associated data "vault:<id>"), custom entry types, and encrypted attachment files. Values
// only ever leave this class decrypted through entryValue()/resolveReference()/readAttachment(); nothing here logs a
// value. Main thread, except the static file helpers (any thread).
class VaultService final
{
public:
    static constexpr qint64 kMaxAttachmentBytes = 50LL * 1024 * 1024; // VAULT_MAX_ATTACHMENT_SIZE (MB)
    static constexpr int kMaxAttachmentsPerEntry = 10;                // VAULT_MAX_ATTACHMENTS_PER_ENTRY
    static constexpr int kMaxValueBytes = 64 * 1024;                  // plaintext of one value (JSON for typed entries)
    static constexpr int kMaxKeyLength = 200;
    static constexpr qint64 kMaxExpandedFileBytes = 10LL * 1024 * 1024; // attachments a Kin may splice into a request

    VaultService(const Database &db, const SecretBox &box, const Clock &clock, Logger &logger, QString vaultDir);

    // Logs a clear error when the current key does not open the stored values (the key file or
    // KINBOT_ENCRYPTION_KEY changed). Reading such a value then fails with DECRYPTION_FAILED; nothing is re-encrypted.
    void checkKey() const;

    // --- entries (the legacy /api/vault secrets are text entries of the same table) ---
    Result<QList<VaultEntryRecord>> listEntries(const QString &entryType = {}, std::optional<bool> favorite = {}) const;
    Result<std::optional<VaultEntryRecord>> findEntry(const QString &id) const;
    Result<std::optional<VaultEntryRecord>> findByKey(const QString &key) const;
    // key or description contains query (case-insensitive); metadata only.
    Result<QList<VaultEntryRecord>> search(const QString &query, int limit = 50) const;
    Result<VaultEntryRecord> createEntry(const VaultNewEntry &entry);
    Result<VaultEntryValue> entryValue(const QString &id) const;
    Result<VaultEntryRecord> updateEntry(const QString &id, const VaultEntryPatch &patch);
    // Also removes its attachment files.
    Status deleteEntry(const QString &id);

    // --- types ---
    static const QJsonArray &builtInTypes(); // [{slug, name, icon, fields}] of text, credential, card, note, identity
    static bool isBuiltInSlug(const QString &slug);
    Result<QList<VaultTypeRecord>> listTypes() const; // custom ones, as the reference lists them
    Result<VaultTypeRecord> createType(const QString &name, const QString &slug, const std::optional<QString> &icon,
                                       const QJsonArray &fields, const QString &createdByKinId = {});
    Result<VaultTypeRecord> updateType(const QString &id, const VaultTypePatch &patch);
    Status deleteType(const QString &id);

    // --- attachments ---
    Result<QList<VaultAttachmentRecord>> listAttachments(const QString &entryId) const;
    Result<std::optional<VaultAttachmentRecord>> findAttachment(const QString &id) const;
    // Checks the entry, the size and the per-entry count; picks the id and the file path (derived from the ids only).
    Result<VaultAttachmentPlan> planAttachment(const QString &entryId, const QString &fileName, const QByteArray &mimeType, qint64 size) const;
    // Records a planned attachment whose file was written; removes the file when the row cannot be added.
    Result<VaultAttachmentRecord> commitAttachment(const VaultAttachmentPlan &plan);
    Status deleteAttachment(const QString &id);
    // Where an attachment's file lives, and the associated data of its ciphertext.
    QString attachmentPath(const QString &entryId, const QString &attachmentId) const;
    static QByteArray attachmentContext(const QString &attachmentId);
    // Synchronous read + decrypt (Kin tools; the REST download does it off the main thread).
    Result<QByteArray> readAttachment(const VaultAttachmentRecord &a) const;

    // Encrypts data into path (atomically, mode 0600). Any thread.
    static Status writeSealed(const SecretBox &box, const QString &path, const QByteArray &data, const QByteArray &context);
    // Reads and decrypts path. Any thread. DECRYPTION_FAILED when it does not authenticate.
    static Result<QByteArray> readSealed(const SecretBox &box, const QString &path, const QByteArray &context);

    // --- secret references for Kin tools ---
    // "{{secret:KEY}}" → the text value; "{{secret:KEY.field}}" → one field of a typed entry (the whole key wins when
    // it exists); file → "{{secret-file:<attachmentId>}}" → the attachment's bytes as base64.
    Result<QString> resolveReference(bool file, const QString &ref) const;
    static QString placeholder(const QString &ref) { return QStringLiteral("{{secret:%1}}").arg(ref); }
    static QString filePlaceholder(const QString &attachmentId) { return QStringLiteral("{{secret-file:%1}}").arg(attachmentId); }

    const SecretBox &box() const { return m_box; }
    static ApiError decryptionFailed();

private:
    Result<QJsonArray> fieldsFor(const QString &entryType, QString *typeId) const;
    Status validateValue(const QString &entryType, const QJsonValue &value) const;
    QString sealValue(const QString &id, const QJsonValue &value) const;
    Status removeEntryFiles(const QString &entryId) const;

    const Database &m_db;
    const SecretBox &m_box;
    const Clock &m_clock;
    Logger &m_logger;
    QString m_dir;
};

} // namespace kinbot
