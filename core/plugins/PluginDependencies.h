#pragma once

#include "plugins/PluginManifest.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace kinbot::plugins {

// Dependency check of the scanned plugins: missing or incompatible dependencies and cycles are errors of the plugins
// concerned; the others come out in activation order (dependencies first).
struct DependencyPlan
{
    QStringList order;             // loadable plugins, dependencies before dependents
    QHash<QString, QString> errors; // plugin name → why it cannot load
};

DependencyPlan planDependencies(const QList<PluginManifest> &manifests);
// Names of the plugins that declare `name` as a dependency.
QStringList dependentsOf(const QList<PluginManifest> &manifests, const QString &name);

} // namespace kinbot::plugins
