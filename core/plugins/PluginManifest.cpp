#include "plugins/PluginManifest.h"

#include "plugins/Semver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace kinbot::plugins {

namespace {

ApiError invalid(const QString &message)
{
    return ApiError::validation(message);
}

const QStringList kFieldTypes{QStringLiteral("string"), QStringLiteral("number"), QStringLiteral("boolean"),
                              QStringLiteral("select"), QStringLiteral("text"),   QStringLiteral("password")};

Result<ConfigField> parseField(const QString &key, const QJsonValue &value)
{
    if (!value.isObject())
        return invalid(QStringLiteral("config.%1 must be an object").arg(key));
    const QJsonObject o = value.toObject();
    ConfigField f;
    f.key = key;
    f.type = o.value(QStringLiteral("type")).toString();
    if (!kFieldTypes.contains(f.type))
        return invalid(QStringLiteral("config.%1.type must be one of %2").arg(key, kFieldTypes.join(QStringLiteral(", "))));
    f.required = o.value(QStringLiteral("required")).toBool();
    f.secret = o.value(QStringLiteral("secret")).toBool() || f.type == QLatin1String("password");
    f.defaultValue = o.value(QStringLiteral("default"));
    if (f.type == QLatin1String("select")) {
        const QJsonValue options = o.value(QStringLiteral("options"));
        if (!options.isArray() || options.toArray().isEmpty())
            return invalid(QStringLiteral("config.%1.options must be a non-empty array for a select").arg(key));
        for (const QJsonValue &opt : options.toArray()) {
            if (opt.isString())
                f.options << opt.toString();
            else if (opt.isObject() && opt.toObject().value(QStringLiteral("value")).isString())
                f.options << opt.toObject().value(QStringLiteral("value")).toString();
            else
                return invalid(QStringLiteral("config.%1.options must hold strings or {value, label} objects").arg(key));
        }
    }
    for (auto [name, slot] : {std::pair{"min", &f.min}, std::pair{"max", &f.max}}) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble())
            return invalid(QStringLiteral("config.%1.%2 must be a number").arg(key, QLatin1String(name)));
        *slot = v.toDouble();
    }
    return f;
}

// Checks one value against its field; the value as stored.
Result<QJsonValue> checkValue(const ConfigField &f, const QJsonValue &v)
{
    const QString where = QStringLiteral("config.") + f.key;
    if (f.type == QLatin1String("number")) {
        if (!v.isDouble())
            return invalid(where + QStringLiteral(" must be a number"));
        if (f.min && v.toDouble() < *f.min)
            return invalid(QStringLiteral("%1 must be at least %2").arg(where).arg(*f.min));
        if (f.max && v.toDouble() > *f.max)
            return invalid(QStringLiteral("%1 must be at most %2").arg(where).arg(*f.max));
        return v;
    }
    if (f.type == QLatin1String("boolean")) {
        if (!v.isBool())
            return invalid(where + QStringLiteral(" must be a boolean"));
        return v;
    }
    if (!v.isString())
        return invalid(where + QStringLiteral(" must be a string"));
    if (f.type == QLatin1String("select") && !f.options.contains(v.toString()))
        return invalid(QStringLiteral("%1 must be one of %2").arg(where, f.options.join(QStringLiteral(", "))));
    return v;
}

} // namespace

QStringList PluginManifest::httpHosts() const
{
    QStringList hosts;
    for (const QString &p : permissions)
        if (p.startsWith(QLatin1String("http:")) && p.size() > 5)
            hosts << p.mid(5).toLower();
    return hosts;
}

const ConfigField *PluginManifest::field(const QString &key) const
{
    for (const ConfigField &f : config)
        if (f.key == key)
            return &f;
    return nullptr;
}

Result<PluginManifest> parseManifest(const QJsonObject &json)
{
    PluginManifest m;
    m.raw = json;
    for (auto [key, slot] : {std::pair{"name", &m.name}, std::pair{"version", &m.version}, std::pair{"description", &m.description},
                             std::pair{"main", &m.main}}) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (!v.isString() || v.toString().trimmed().isEmpty())
            return invalid(QStringLiteral("plugin.json: %1 is required (a non-empty string)").arg(QLatin1String(key)));
        *slot = v.toString();
    }
    static const QRegularExpression nameRe(QStringLiteral("^[a-z0-9-]+$"));
    if (!nameRe.match(m.name).hasMatch())
        return invalid(QStringLiteral("plugin.json: name must match [a-z0-9-]+"));
    if (!Semver::parse(m.version))
        return invalid(QStringLiteral("plugin.json: version %1 is not a semantic version").arg(m.version));
    for (auto [key, slot] : {std::pair{"author", &m.author}, std::pair{"homepage", &m.homepage}, std::pair{"license", &m.license},
                             std::pair{"icon", &m.icon}, std::pair{"kinbot", &m.kinbot}}) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isString())
            return invalid(QStringLiteral("plugin.json: %1 must be a string").arg(QLatin1String(key)));
        *slot = v.toString();
    }
    if (!m.kinbot.isEmpty() && !isValidSemverRange(m.kinbot))
        return invalid(QStringLiteral("plugin.json: kinbot %1 is not a semver range").arg(m.kinbot));
    const QJsonValue perms = json.value(QStringLiteral("permissions"));
    if (!perms.isUndefined() && !perms.isNull()) {
        if (!perms.isArray())
            return invalid(QStringLiteral("plugin.json: permissions must be an array of strings"));
        for (const QJsonValue &p : perms.toArray()) {
            if (!p.isString())
                return invalid(QStringLiteral("plugin.json: permissions must be an array of strings"));
            m.permissions << p.toString();
        }
    }
    const QJsonValue deps = json.value(QStringLiteral("dependencies"));
    if (!deps.isUndefined() && !deps.isNull()) {
        if (!deps.isObject())
            return invalid(QStringLiteral("plugin.json: dependencies must be an object {plugin: range}"));
        const QJsonObject o = deps.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it.value().isString() || !isValidSemverRange(it.value().toString()))
                return invalid(QStringLiteral("plugin.json: dependencies.%1 must be a semver range").arg(it.key()));
            m.dependencies.insert(it.key(), it.value().toString());
        }
    }
    const QJsonValue config = json.value(QStringLiteral("config"));
    if (!config.isUndefined() && !config.isNull()) {
        if (!config.isObject())
            return invalid(QStringLiteral("plugin.json: config must be an object {key: field}"));
        m.configSchema = config.toObject();
        for (auto it = m.configSchema.begin(); it != m.configSchema.end(); ++it) {
            auto f = parseField(it.key(), it.value());
            if (!f)
                return invalid(QStringLiteral("plugin.json: ") + f.error().message);
            m.config << f.value();
        }
    }
    return m;
}

Result<PluginManifest> readManifest(const QString &dir)
{
    QFile file(QDir(dir).filePath(QStringLiteral("plugin.json")));
    if (!file.open(QIODevice::ReadOnly))
        return invalid(QStringLiteral("plugin.json is missing"));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject())
        return invalid(QStringLiteral("plugin.json is not a JSON object: %1").arg(error.errorString()));
    auto m = parseManifest(doc.object());
    if (!m)
        return m;
    const QString root = QFileInfo(dir).canonicalFilePath();
    const QFileInfo entry(QDir(dir).filePath(m->main));
    if (!entry.isFile())
        return invalid(QStringLiteral("plugin.json: main file %1 does not exist").arg(m->main));
    if (!entry.canonicalFilePath().startsWith(root + QLatin1Char('/')))
        return invalid(QStringLiteral("plugin.json: main must be inside the plugin directory"));
    return m;
}

QString compatibilityError(const PluginManifest &manifest, const QString &appVersion)
{
    if (manifest.kinbot.isEmpty())
        return {};
    const auto app = Semver::parse(appVersion);
    if (!app)
        return {};
    const auto ok = semverSatisfies(*app, manifest.kinbot);
    if (ok.value_or(false))
        return {};
    return QStringLiteral("Requires KinBot %1 (this is %2)").arg(manifest.kinbot, appVersion);
}

Result<QJsonObject> validateConfig(const PluginManifest &manifest, const QJsonObject &values)
{
    QJsonObject out;
    for (const ConfigField &f : manifest.config) {
        QJsonValue v = values.value(f.key);
        if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty() && f.type != QLatin1String("select")))
            v = f.defaultValue;
        if (v.isUndefined() || v.isNull()) {
            if (f.required)
                return invalid(QStringLiteral("config.%1 is required").arg(f.key));
            continue;
        }
        auto checked = checkValue(f, v);
        if (!checked)
            return checked.error();
        out.insert(f.key, checked.value());
    }
    return out;
}

} // namespace kinbot::plugins
