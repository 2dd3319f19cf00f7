#pragma once

#include "util/Result.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace kinbot::llm {

// One non-streamed request returning JSON (model lists, connection tests). The callback runs on context's thread, never
// synchronously, and not at all when context is destroyed first (the request is then aborted). Provider errors map
// through errorFromHttp → toApiError, so the message carries the provider's own text.
void getJson(QNetworkAccessManager &network, const QNetworkRequest &request, int timeoutMs, QObject *context,
             std::function<void(Result<QJsonDocument>)> done);
// The same for a POST of a JSON body answered by JSON (image generation).
void postJson(QNetworkAccessManager &network, QNetworkRequest request, const QJsonObject &body, int timeoutMs, QObject *context,
              std::function<void(Result<QJsonDocument>)> done);

} // namespace kinbot::llm
