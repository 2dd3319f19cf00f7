// kinbot: the desktop app. Starts the embedded server and shows the web UI in a window (QtWebEngine).
// --headless runs the server only, exactly like kinbot-server.
#include "Platform.h"
#include "UnixSignals.h"
#include "util/Clock.h"

#include <QApplication>
#include <QWebEngineView>

#include <cstdio>

int main(int argc, char *argv[])
{
    bool headless = false;
    for (int i = 1; i < argc; ++i)
        if (qstrcmp(argv[i], "--headless") == 0)
            headless = true;

    std::unique_ptr<QCoreApplication> app;
    if (headless) {
        app = std::make_unique<QCoreApplication>(argc, argv);
    } else {
        QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
        app = std::make_unique<QApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("kinbot"));
    QCoreApplication::setApplicationVersion(kinbot::kinbotVersion());

    auto parsed = kinbot::parseServerConfig(app->arguments(), QProcessEnvironment::systemEnvironment());
    if (!parsed) {
        std::fprintf(stderr, "kinbot: %s\n", qPrintable(parsed.error().message));
        return 2;
    }
    if (parsed->showHelp) {
        std::fputs(qPrintable(parsed->helpText), stdout);
        return 0;
    }
    if (parsed->showVersion) {
        std::printf("kinbot %s\n", qPrintable(kinbot::kinbotVersion()));
        return 0;
    }
    kinbot::ServerConfig config = parsed->config;
    if (!headless && qEnvironmentVariableIsEmpty("KINBOT_PORT") && !app->arguments().contains(QStringLiteral("--port")))
        config.port = 0; // the desktop window does not need a fixed port

    kinbot::SystemClock clock;
    kinbot::Platform platform(config, clock);
    auto port = platform.start();
    if (!port) {
        std::fprintf(stderr, "kinbot: %s\n", qPrintable(port.error().message));
        return 1;
    }
    std::printf("KinBot listening on %s\n", qPrintable(platform.url()));
    std::fflush(stdout);
    UnixSignals signalHandler;

    std::unique_ptr<QWebEngineView> view;
    if (!headless) {
        view = std::make_unique<QWebEngineView>();
        view->setWindowTitle(QStringLiteral("KinBot"));
        view->resize(1200, 800);
        view->load(QUrl(QStringLiteral("http://localhost:%1/").arg(port.value())));
        view->show();
    }
    return app->exec();
}
