#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace kinbot::miniapps {

// Registers the embedded JS runtime (rcc name "jsruntime": prefixes /jsruntime/ for backend engines and
// /miniapp-vendor/ for the React modules served to mini-app pages). Idempotent and thread-safe.
void initJsRuntimeResources();

// The scripts every backend engine evaluates before the app's bundle, in order: {resource name, source}.
// Read once per process.
const QList<QPair<QString, QString>> &backendRuntimeScripts();

} // namespace kinbot::miniapps
