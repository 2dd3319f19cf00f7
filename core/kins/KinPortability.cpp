#include "kins/KinPortability.h"

#include "util/ImageSniff.h"
#include "util/Json.h"
#include "util/ZipArchive.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::kinarchive {

static const QString kKinJson = QStringLiteral("kin.json");

static ApiError invalidImport(const QString &why)
{
    return ApiError::badRequest(QStringLiteral("INVALID_IMPORT"), why);
}

QJsonObject exportJson(const KinRecord &kin, qint64 nowMs)
{
    return {{QStringLiteral("_kinbot"), QJsonObject{{QStringLiteral("version"), 1},
                                                    {QStringLiteral("format"), QStringLiteral("kin-archive")},
                                                    {QStringLiteral("exportedAt"), json::isoMs(nowMs)}}},
            {QStringLiteral("name"), kin.name},
            {QStringLiteral("slug"), kin.slug},
            {QStringLiteral("role"), kin.role},
            {QStringLiteral("character"), kin.character},
            {QStringLiteral("expertise"), kin.expertise},
            {QStringLiteral("model"), kin.model},
            {QStringLiteral("toolConfig"), kin.hasToolConfig ? QJsonValue(kin.toolConfig) : QJsonValue()},
            {QStringLiteral("compactingConfig"), kin.hasCompactingConfig ? QJsonValue(kin.compactingConfig) : QJsonValue()},
            {QStringLiteral("mcpServers"), QJsonArray()}};
}

Result<QByteArray> build(const KinRecord &kin, const QString &uploadsDir, qint64 nowMs)
{
    QList<ziparchive::Entry> entries{
        {kKinJson, QJsonDocument(exportJson(kin, nowMs)).toJson(QJsonDocument::Indented)}};
    if (!kin.avatarPath.isEmpty()) {
        QFile f(uploadsDir + QLatin1Char('/') + kin.avatarPath);
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray data = f.readAll();
            const QString ext = images::extensionOf(data);
            if (!ext.isEmpty())
                entries.append({QStringLiteral("avatar.") + ext, data});
        }
    }
    return ziparchive::write(entries);
}

static Status requireText(const QJsonObject &o, const QString &key, bool allowEmpty)
{
    const QJsonValue v = o.value(key);
    if (!v.isString() || (!allowEmpty && v.toString().trimmed().isEmpty()))
        return invalidImport(QStringLiteral("kin.json needs a %1 string").arg(key));
    return {};
}

Result<Imported> parse(const QByteArray &bytes)
{
    Imported out;
    QByteArray jsonBytes;
    if (bytes.startsWith("PK\x03\x04")) {
        auto entries = ziparchive::read(bytes);
        if (!entries)
            return entries.error();
        for (const ziparchive::Entry &e : entries.value()) {
            if (e.name == kKinJson) {
                jsonBytes = e.data;
            } else if (e.name.startsWith(QStringLiteral("avatar."))) {
                const QString ext = images::extensionOf(e.data);
                if (ext.isEmpty())
                    return invalidImport(QStringLiteral("avatar is not a PNG, JPEG, GIF or WebP image"));
                out.avatar = e.data;
                out.avatarExt = ext;
            }
        }
        if (jsonBytes.isEmpty())
            return invalidImport(QStringLiteral("The archive has no kin.json"));
    } else {
        jsonBytes = bytes;
    }
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(jsonBytes, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return invalidImport(QStringLiteral("Neither a Kin archive nor a Kin JSON object"));
    out.kin = doc.object();
    for (const auto &[key, allowEmpty] : {std::pair{QStringLiteral("name"), false}, std::pair{QStringLiteral("role"), false},
                                          std::pair{QStringLiteral("character"), true}, std::pair{QStringLiteral("expertise"), true},
                                          std::pair{QStringLiteral("model"), false}})
        if (Status st = requireText(out.kin, key, allowEmpty); !st)
            return st.error();
    const QJsonValue tc = out.kin.value(QStringLiteral("toolConfig"));
    if (!tc.isUndefined() && !tc.isNull() && !tc.isObject())
        return invalidImport(QStringLiteral("toolConfig must be an object or null"));
    return out;
}

QJsonObject createBody(const Imported &imported)
{
    QJsonObject body;
    for (const QString &key : {QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("character"), QStringLiteral("expertise"),
                               QStringLiteral("model"), QStringLiteral("slug")})
        if (imported.kin.value(key).isString())
            body.insert(key, imported.kin.value(key));
    return body;
}

} // namespace kinbot::kinarchive
