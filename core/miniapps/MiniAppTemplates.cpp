#include "miniapps/MiniAppTemplates.h"

#include <QFile>
#include <QJsonDocument>

namespace kinbot::miniapptemplates {

namespace {

QByteArray resource(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

QList<Template> all()
{
    QList<Template> out;
    const QJsonArray index = QJsonDocument::fromJson(resource(QStringLiteral(":/sdk-templates/index.json"))).array();
    for (const QJsonValue &v : index) {
        const QJsonObject o = v.toObject();
        Template t;
        t.id = o.value(QStringLiteral("id")).toString();
        t.name = o.value(QStringLiteral("name")).toString();
        t.description = o.value(QStringLiteral("description")).toString();
        t.icon = o.value(QStringLiteral("icon")).toString();
        for (const QJsonValue &tag : o.value(QStringLiteral("tags")).toArray())
            t.tags.append(tag.toString());
        for (const QJsonValue &f : o.value(QStringLiteral("files")).toArray()) {
            const QString path = f.toString();
            t.files.append({path, resource(QStringLiteral(":/sdk-templates/%1/%2").arg(t.id, path))});
        }
        if (!t.id.isEmpty())
            out.append(t);
    }
    return out;
}

std::optional<Template> find(const QString &id)
{
    for (const Template &t : all())
        if (t.id == id)
            return t;
    return std::nullopt;
}

QJsonObject metadataJson(const Template &t)
{
    QStringList paths;
    for (const auto &f : t.files)
        paths.append(f.first);
    return {{QStringLiteral("id"), t.id},
            {QStringLiteral("name"), t.name},
            {QStringLiteral("description"), t.description},
            {QStringLiteral("icon"), t.icon},
            {QStringLiteral("tags"), QJsonArray::fromStringList(t.tags)},
            {QStringLiteral("suggestedSlug"), t.id},
            {QStringLiteral("files"), QJsonArray::fromStringList(paths)}};
}

QJsonObject fullJson(const Template &t)
{
    QJsonObject o = metadataJson(t);
    QJsonObject files;
    for (const auto &f : t.files)
        files.insert(f.first, QString::fromUtf8(f.second));
    o.insert(QStringLiteral("files"), files);
    return o;
}

QStringList docSections()
{
    return {QStringLiteral("overview"), QStringLiteral("getting-started"), QStringLiteral("hooks"), QStringLiteral("components"),
            QStringLiteral("sdk"), QStringLiteral("backend"), QStringLiteral("guidelines")};
}

std::optional<QString> docs(const QString &section)
{
    if (section == QLatin1String("all")) {
        QStringList parts;
        for (const QString &s : docSections())
            if (auto d = docs(s))
                parts.append(*d);
        return parts.isEmpty() ? std::nullopt : std::optional<QString>(parts.join(QStringLiteral("\n\n")));
    }
    if (!docSections().contains(section))
        return std::nullopt;
    const QByteArray text = resource(QStringLiteral(":/sdk-docs/%1.md").arg(section));
    return text.isEmpty() ? std::nullopt : std::optional<QString>(QString::fromUtf8(text));
}

} // namespace kinbot::miniapptemplates
