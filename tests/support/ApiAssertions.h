#pragma once

#include "HttpClient.h"

#include "storage/Database.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

// Small checks shared by the API tests: an error reply's status and code, a row count, and the channel routes.
namespace kinbot::test {

// The reply is `status` with {"error": {"code": code, …}}; when `mention` is given, the message contains it.
inline void expectError(const HttpResponse &r, int status, const char *code, const char *mention = nullptr)
{
    QVERIFY2(r.status == status, qPrintable(QStringLiteral("status %1, expected %2: %3").arg(r.status).arg(status).arg(QString::fromUtf8(r.body))));
    QCOMPARE(r.errorCode(), QString::fromLatin1(code));
    if (mention)
        QVERIFY2(r.json().value("error").toObject().value("message").toString().contains(QString::fromUtf8(mention)), r.body.constData());
}

// The first column of the first row of a COUNT query (-1 when it fails).
inline int rowCount(Database &db, const QString &sql, const QVariantList &values = {})
{
    auto r = db.selectOne(sql, values);
    return r && r.value() ? r.value()->value(0).toInt() : -1;
}

inline QByteArray channelPath(const QString &id, const char *tail = "")
{
    return "/api/channels/" + id.toUtf8() + tail;
}

inline QJsonObject channelOf(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("channel")).toObject();
}

// Waits for ChannelService::inboundHandled to report one more inbound message → its outcome ("<none>" on timeout).
inline QString nextOutcome(QSignalSpy &spy, int before)
{
    if (!QTest::qWaitFor([&] { return spy.size() > before; }, 10000))
        return QStringLiteral("<none>");
    return spy.at(before).at(1).toString();
}

} // namespace kinbot::test
