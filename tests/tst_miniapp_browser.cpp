// A served mini-app in a real browser engine (QtWebEngine, offscreen): the seed's React hooks against the seed's
// _server.js — useApi lists the items, KinBot.api.post adds one and refetch shows it, useEventStream receives the
// progress events the backend emits, and the callback form gets "done". React comes from the bundled copy (no network),
// the JSX is transpiled by the server. A screenshot is saved for review.
#include "KinFixture.h"

#include <QApplication>
#include <QDir>
#include <QNetworkCookie>
#include <QWebEngineCookieStore>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(KINBOT_TEST_FIXTURES "/miniapps/browser/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Console messages of the page, for the failure report.
class LoggingPage : public QWebEnginePage
{
public:
    using QWebEnginePage::QWebEnginePage;
    QStringList console;

protected:
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel, const QString &message, int line, const QString &source) override
    {
        console.append(QStringLiteral("%1:%2 %3").arg(source).arg(line).arg(message));
    }
};

} // namespace

class TestMiniAppBrowser : public QObject
{
    Q_OBJECT

    QVariant js(QWebEnginePage &page, const QString &script)
    {
        QVariant out;
        bool done = false;
        page.runJavaScript(script, [&](const QVariant &v) {
            out = v;
            done = true;
        });
        QElapsedTimer t;
        t.start();
        while (!done && t.elapsed() < 5000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return out;
    }
    // Polls a JS expression (returning a JSON string) until pred holds.
    QJsonObject waitState(QWebEnginePage &page, const std::function<bool(const QJsonObject &)> &pred, int timeoutMs = 15000)
    {
        QElapsedTimer t;
        t.start();
        QJsonObject state;
        while (t.elapsed() < timeoutMs) {
            state = QJsonDocument::fromJson(js(page, QStringLiteral("JSON.stringify(window.__kb || {})")).toString().toUtf8()).object();
            if (pred(state))
                return state;
            QTest::qWait(50);
        }
        return state;
    }

private Q_SLOTS:
    void seedHooksInARealBrowser()
    {
        KinFixture fx;
        const QString kinId = fx.addKin(QStringLiteral("Builder"), QString()).value(QStringLiteral("id")).toString();
        const HttpResponse created = fx.api->postJson("/api/mini-apps", {{QStringLiteral("kinId"), kinId}, {QStringLiteral("name"), QStringLiteral("Items")},
                                                                         {QStringLiteral("slug"), QStringLiteral("items")}});
        QCOMPARE(created.status, 201);
        const QByteArray base = "/api/mini-apps/" + created.json().value(QStringLiteral("app")).toObject().value(QStringLiteral("id")).toString().toUtf8();
        for (const char *file : {"_server.js", "index.html"}) {
            const QByteArray content = fixture(QLatin1String(file));
            QVERIFY(!content.isEmpty());
            QCOMPARE(fx.api->request("PUT", base + "/files/" + file, content, {{"Content-Type", "text/plain"}}).status, 200);
        }

        QWebEngineProfile profile;
        const QList<QByteArray> cookie = fx.admin.cookie.split('=');
        const QUrl origin(QStringLiteral("http://127.0.0.1:%1/").arg(fx.server.port()));
        profile.cookieStore()->setCookie(QNetworkCookie(cookie.value(0), fx.admin.cookie.mid(cookie.value(0).size() + 1)), origin);
        QWebEngineView view; // destroyed before the profile, and the page with it
        auto *page = new LoggingPage(&profile, &view);
        view.setPage(page);
        view.resize(480, 640);
        view.show();
        QSignalSpy loaded(page, &QWebEnginePage::loadFinished);
        page->load(origin.resolved(QUrl(QString::fromUtf8(base + "/serve"))));
        QVERIFY(loaded.wait(15000));
        QVERIFY(loaded.first().first().toBool());

        // useApi: loaded, empty list; useEventStream connected.
        QJsonObject s = waitState(*page, [](const QJsonObject &o) {
            return o.value(QStringLiteral("loading")) == false && o.value(QStringLiteral("items")).isArray() && o.value(QStringLiteral("connected")).toBool();
        });
        QVERIFY2(s.value(QStringLiteral("items")).isArray(), qPrintable(page->console.join(QLatin1Char('\n'))));
        QCOMPARE(s.value(QStringLiteral("items")).toArray().size(), 0);
        QVERIFY(s.value(QStringLiteral("error")).isNull());

        // KinBot.api.post + refetch.
        js(*page, QStringLiteral("window.__kb.add('milk')"));
        s = waitState(*page, [](const QJsonObject &o) { return o.value(QStringLiteral("items")).toArray().size() == 1; });
        QCOMPARE(s.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("milk"));
        // The frontend's and the backend's storage are one.
        QCOMPARE(fx.api->get(base + "/storage/items").json().value(QStringLiteral("value")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("milk"));
        QCOMPARE(fx.api->get(base + "/api/listeners").json().value(QStringLiteral("count")).toInt(), 1);

        // Backend events → useEventStream (accumulated {event, data, ts}) and the callback form.
        js(*page, QStringLiteral("window.__kb.process()"));
        s = waitState(*page, [](const QJsonObject &o) {
            return o.value(QStringLiteral("progress")).toArray().size() == 3 && o.value(QStringLiteral("done")).toString() == QLatin1String("Complete!");
        });
        const QJsonArray progress = s.value(QStringLiteral("progress")).toArray();
        QCOMPARE(progress.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QJsonObject m = progress.at(i).toObject();
            QCOMPARE(m.value(QStringLiteral("event")).toString(), QStringLiteral("progress"));
            QCOMPARE(m.value(QStringLiteral("step")).toInt(), i + 1);
            QCOMPARE(m.value(QStringLiteral("total")).toInt(), 3);
            QVERIFY(m.value(QStringLiteral("hasTs")).toBool());
        }
        QCOMPARE(s.value(QStringLiteral("done")).toString(), QStringLiteral("Complete!"));
        // The page rendered it, and the theme CSS of the SDK is in place.
        QVERIFY(js(*page, QStringLiteral("document.getElementById('events').textContent")).toString().contains(QStringLiteral("Step 3/3")));
        QVERIFY(!js(*page, QStringLiteral("getComputedStyle(document.documentElement).getPropertyValue('--color-primary')")).toString().trimmed().isEmpty());

        QTest::qWait(200);
        const QString shot = QDir(QStringLiteral(KINBOT_TEST_ARTIFACTS)).filePath(QStringLiteral("miniapp-browser.png"));
        QDir().mkpath(QStringLiteral(KINBOT_TEST_ARTIFACTS));
        const QImage image = view.grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(shot));
        qInfo() << "screenshot:" << shot;
    }
};

static void initMain()
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
}

QTEST_MAIN(TestMiniAppBrowser)
#include "tst_miniapp_browser.moc"
