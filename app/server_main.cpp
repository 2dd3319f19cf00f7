// kinbot-server: the headless KinBot (REST API, SSE, web UI) for machines without a display.
#include "Platform.h"
#include "UnixSignals.h"
#include "util/Clock.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QElapsedTimer started;
    started.start();
    // Qt's plain UNIX event dispatcher instead of GLib's: GLib wakes its own loop (an eventfd write) every time a socket
    // notifier is toggled, which costs two extra syscalls per HTTP request. The headless server has no GLib users.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kinbot"));
    QCoreApplication::setApplicationVersion(kinbot::kinbotVersion());

    auto parsed = kinbot::parseServerConfig(app.arguments(), QProcessEnvironment::systemEnvironment());
    if (!parsed) {
        std::fprintf(stderr, "kinbot-server: %s\n", qPrintable(parsed.error().message));
        return 2;
    }
    if (parsed->showHelp) {
        std::fputs(qPrintable(parsed->helpText), stdout);
        return 0;
    }
    if (parsed->showVersion) {
        std::printf("kinbot-server %s\n", qPrintable(kinbot::kinbotVersion()));
        return 0;
    }

    kinbot::SystemClock clock;
    kinbot::Platform platform(parsed->config, clock);
    auto port = platform.start();
    if (!port) {
        std::fprintf(stderr, "kinbot-server: %s\n", qPrintable(port.error().message));
        return 1;
    }
    std::printf("KinBot listening on %s (started in %lld ms)\n", qPrintable(platform.url()), static_cast<long long>(started.elapsed()));
    std::fflush(stdout);

    UnixSignals signalHandler;
    return app.exec();
}
