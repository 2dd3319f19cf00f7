#pragma once

#include <QStringList>

namespace kinbot::miniapps {

// Registers the embedded JS runtime (rcc name "jsruntime": prefixes /jsruntime/ for backend engines and
// /miniapp-vendor/ for the React modules served to mini-app pages). Idempotent and thread-safe.
void initJsRuntimeResources();

// The modules every backend engine imports before the app's bundle, in order, as resource paths. They are loaded
// with QJSEngine::importModule rather than evaluate(): the engine compiles module code with fast property lookups
// (script code boxes a string for each `s.length`, about ten times slower on the per-request path).
const QStringList &backendRuntimeModules();

} // namespace kinbot::miniapps
