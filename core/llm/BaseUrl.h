#pragma once

#include <QString>
#include <QStringList>

namespace kinbot::llm {

// `url` without trailing '/' and without the first of `suffixes` it ends with: lets a user paste "…/v1" for a
// native client that appends its own API version ("http://localhost:11434/v1" → "http://localhost:11434").
QString stripApiSuffix(QString url, const QStringList &suffixes);

} // namespace kinbot::llm
