#include "plugins/PluginDependencies.h"

#include "plugins/Semver.h"

#include <functional>

namespace kinbot::plugins {

DependencyPlan planDependencies(const QList<PluginManifest> &manifests)
{
    DependencyPlan plan;
    QHash<QString, const PluginManifest *> byName;
    for (const PluginManifest &m : manifests)
        byName.insert(m.name, &m);

    // Cycles first: a plugin on a cycle is reported with the cycle's path.
    enum Mark { None, Visiting, Done };
    QHash<QString, Mark> mark;
    QStringList stack;
    std::function<void(const QString &)> visit = [&](const QString &name) {
        mark[name] = Visiting;
        stack << name;
        for (auto it = byName[name]->dependencies.begin(); it != byName[name]->dependencies.end(); ++it) {
            if (!byName.contains(it.key()))
                continue;
            if (mark.value(it.key()) == Visiting) {
                const QStringList cycle = stack.mid(stack.indexOf(it.key())) << it.key();
                for (int i = 0; i + 1 < cycle.size(); ++i)
                    plan.errors.insert(cycle[i], QStringLiteral("Dependency cycle: %1").arg(cycle.join(QStringLiteral(" -> "))));
            } else if (mark.value(it.key()) == None) {
                visit(it.key());
            }
        }
        stack.removeLast();
        mark[name] = Done;
    };
    for (const PluginManifest &m : manifests)
        if (mark.value(m.name) == None)
            visit(m.name);

    // Then missing / incompatible dependencies, and the order; a plugin whose dependency cannot load cannot either.
    std::function<bool(const QString &)> place = [&](const QString &name) -> bool {
        if (plan.order.contains(name))
            return true;
        if (plan.errors.contains(name))
            return false;
        const PluginManifest &m = *byName[name];
        for (auto it = m.dependencies.begin(); it != m.dependencies.end(); ++it) {
            const PluginManifest *dep = byName.value(it.key());
            if (!dep) {
                plan.errors.insert(name, QStringLiteral("Missing dependency %1 %2").arg(it.key(), it.value()));
                return false;
            }
            const auto version = Semver::parse(dep->version);
            if (!version || !semverSatisfies(*version, it.value()).value_or(false)) {
                plan.errors.insert(name, QStringLiteral("Dependency %1 %2 not satisfied (found %3)").arg(it.key(), it.value(), dep->version));
                return false;
            }
            if (!place(it.key())) {
                plan.errors.insert(name, QStringLiteral("Dependency %1 cannot be loaded").arg(it.key()));
                return false;
            }
        }
        plan.order << name;
        return true;
    };
    for (const PluginManifest &m : manifests)
        place(m.name);
    return plan;
}

QStringList dependentsOf(const QList<PluginManifest> &manifests, const QString &name)
{
    QStringList out;
    for (const PluginManifest &m : manifests)
        if (m.dependencies.contains(name))
            out << m.name;
    return out;
}

} // namespace kinbot::plugins
