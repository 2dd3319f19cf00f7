#pragma once

#include "util/Result.h"

#include <QJsonDocument>
#include <QNetworkRequest>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::llm {

// One non-streamed GET returning JSON (model lists, connection tests). The callback runs on context's thread, never
// synchronously, and not at all when context is destroyed first (the request is then aborted). Provider errors map
// through errorFromHttp → toApiError, so the message carries the provider's own text.
void getJson(QNetworkAccessManager &network, const QNetworkRequest &request, int timeoutMs, QObject *context,
             std::function<void(Result<QJsonDocument>)> done);

} // namespace kinbot::llm
