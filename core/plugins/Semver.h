#pragma once

#include <QString>

#include <optional>

namespace kinbot::plugins {

// A semantic version MAJOR.MINOR.PATCH[-prerelease][+build] (build metadata ignored in comparisons).
struct Semver
{
    int major = 0, minor = 0, patch = 0;
    QString prerelease;

    static std::optional<Semver> parse(const QString &text); // strict; a leading "v" is accepted
    int compare(const Semver &other) const;                  // <0, 0, >0 (a prerelease sorts before its release)
    QString toString() const;
};

// npm-style ranges, the subset plugins use: exact "1.2.3", comparators ">=1.2 <2", "^1.2.3", "~1.2", x-ranges "1.x",
// "1.2.*", "*" / "" (any), hyphen ranges "1.2 - 1.4", alternatives joined by "||". Prereleases compare by order only.
// nullopt when the range cannot be parsed.
std::optional<bool> semverSatisfies(const Semver &version, const QString &range);
bool isValidSemverRange(const QString &range);

} // namespace kinbot::plugins
