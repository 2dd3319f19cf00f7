#pragma once

#include "util/Result.h"

#include <QString>

namespace kinbot::plugins {

// Copies a plugin directory (files and subdirectories, symlinks skipped, .git left out) to target, which must not
// exist. A failed copy leaves nothing behind.
Status copyPluginDirectory(const QString &source, const QString &target);

} // namespace kinbot::plugins
