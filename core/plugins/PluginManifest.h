#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot::plugins {

// One field of a plugin's config schema (engine.md §11): type string|number|boolean|select|text|password.
struct ConfigField
{
    QString key;
    QString type;
    bool required = false;
    bool secret = false; // secret: true, or type password
    QJsonValue defaultValue;
    QStringList options; // select: the allowed values
    std::optional<double> min, max;
};

// plugin.json. name [a-z0-9-]+, version semver, description and main required; the rest optional.
struct PluginManifest
{
    QString name, version, description, main;
    QString author, homepage, license, icon;
    QString kinbot; // semver range of the app versions the plugin supports ("" = any)
    QStringList permissions;
    QMap<QString, QString> dependencies; // plugin name → semver range
    QList<ConfigField> config;
    QJsonObject configSchema; // as written, for the API
    QJsonObject raw;

    // Hosts of the `http:<host>` permissions, lower-cased.
    QStringList httpHosts() const;
    const ConfigField *field(const QString &key) const;
};

// Validates a parsed plugin.json; the error (VALIDATION_ERROR) says which field is wrong.
Result<PluginManifest> parseManifest(const QJsonObject &json);
// Reads and validates <dir>/plugin.json (also checks that main names a file inside dir).
Result<PluginManifest> readManifest(const QString &dir);
// "" when appVersion satisfies manifest.kinbot, else why not.
QString compatibilityError(const PluginManifest &manifest, const QString &appVersion);

// The config with defaults applied, checked against the schema: required fields present, types, select options,
// number min/max. Unknown keys are dropped.
Result<QJsonObject> validateConfig(const PluginManifest &manifest, const QJsonObject &values);

} // namespace kinbot::plugins
