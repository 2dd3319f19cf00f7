// Durability: a real kinbot-server process is killed with SIGKILL right after a 2xx write; the row is there after restart.
#include "HttpClient.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace kinbot::test;

class TstCrashRecovery final : public QObject
{
    Q_OBJECT

    static quint16 startServer(QProcess &p, const QString &dataDir)
    {
        p.setProgram(QStringLiteral(KINBOT_SERVER_BIN));
        p.setArguments({QStringLiteral("--data-dir"), dataDir, QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--quiet")});
        p.start();
        if (!p.waitForStarted(5000))
            return 0;
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000 && !out.contains('\n')) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        const auto m = QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:(\\d+)")).match(QString::fromLatin1(out));
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }

private Q_SLOTS:
    void writesSurviveSigkill()
    {
        QTemporaryDir dir;
        QProcess p1;
        const quint16 port1 = startServer(p1, dir.path());
        QVERIFY2(port1 > 0, "server did not start");
        HttpClient c(port1);
        HttpResponse r = c.postJson("/api/auth/sign-up/email", {{QStringLiteral("name"), QStringLiteral("Durable")},
                                                                {QStringLiteral("email"), QStringLiteral("durable@example.test")},
                                                                {QStringLiteral("password"), QStringLiteral("durable-pass-1")}});
        QCOMPARE(r.status, 200);
        c.setDefaultHeader("Origin", c.origin());
        r = c.postJson("/api/onboarding/profile", {{QStringLiteral("firstName"), QStringLiteral("Du")}, {QStringLiteral("lastName"), QStringLiteral("Rable")},
                                                   {QStringLiteral("pseudonym"), QStringLiteral("durable")}});
        QCOMPARE(r.status, 201);
        ::kill(pid_t(p1.processId()), SIGKILL); // no chance to flush or checkpoint
        QVERIFY(p1.waitForFinished(5000));
        QCOMPARE(p1.exitStatus(), QProcess::CrashExit);

        QProcess p2;
        const quint16 port2 = startServer(p2, dir.path());
        QVERIFY2(port2 > 0, "server did not restart on the same data dir");
        HttpClient c2(port2);
        r = c2.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), QStringLiteral("durable@example.test")},
                                                    {QStringLiteral("password"), QStringLiteral("durable-pass-1")}});
        QCOMPARE(r.status, 200);
        r = c2.get("/api/me");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("pseudonym")).toString(), QStringLiteral("durable"));
        QCOMPARE(c2.get("/api/onboarding/status").json().value(QStringLiteral("hasAdmin")).toBool(), true);
        p2.terminate(); // SIGTERM: clean shutdown
        QVERIFY(p2.waitForFinished(5000));
        QCOMPARE(p2.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p2.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TstCrashRecovery)
#include "tst_crash_recovery.moc"
