#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace kinbot {

// The starter templates and the SDK docs a Kin reads before writing a mini-app, shipped as resources
// (sdk/templates/<id>/… with sdk/templates/index.json, sdk/docs/<section>.md → :/sdk-templates, :/sdk-docs).
namespace miniapptemplates {

struct Template
{
    QString id;
    QString name;
    QString description;
    QString icon;
    QStringList tags;
    QList<QPair<QString, QByteArray>> files; // path → content
};

// Every template (metadata and files), in index order.
QList<Template> all();
std::optional<Template> find(const QString &id);
QJsonObject metadataJson(const Template &t);
QJsonObject fullJson(const Template &t);

// overview, getting-started, hooks, components, sdk, backend, guidelines; "all" joins them.
QStringList docSections();
std::optional<QString> docs(const QString &section);

} // namespace miniapptemplates

} // namespace kinbot
