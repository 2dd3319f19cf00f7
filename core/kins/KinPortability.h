#pragma once

#include "kins/KinService.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace kinbot {

// The Kin archive (`<slug>.kinbot.zip`), documented in docs/kin-archive.md:
//   kin.json      {_kinbot:{version:1, format:"kin-archive", exportedAt}, name, role, character, expertise, model,
//                  toolConfig|null, compactingConfig|null, mcpServers:[]} — the reference's export object
//   avatar.<ext>  the avatar image (png, jpg, gif or webp), when the Kin has one
// Import also accepts the reference's bare `.kinbot.json` object. Never exported: provider, keys, memories, history.
namespace kinarchive {

struct Imported
{
    QJsonObject kin;       // the kin.json object
    QByteArray avatar;     // empty when none
    QString avatarExt;
};

QJsonObject exportJson(const KinRecord &kin, qint64 nowMs);
// kin.json + avatar (read from uploadsDir/avatarPath) → zip bytes.
Result<QByteArray> build(const KinRecord &kin, const QString &uploadsDir, qint64 nowMs);
// A zip archive or a bare JSON object → its parts; 400 INVALID_IMPORT when required fields are missing.
Result<Imported> parse(const QByteArray &bytes);
// The body of KinService::create for an imported Kin (no provider: the importer picks one).
QJsonObject createBody(const Imported &imported);

} // namespace kinarchive
} // namespace kinbot
