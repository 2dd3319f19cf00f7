#pragma once

#include <QObject>

class QSocketNotifier;

// Turns SIGINT/SIGTERM into a clean QCoreApplication::quit() through a self-pipe (signal-safe).
class UnixSignals final : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);

private:
    QSocketNotifier *m_notifier = nullptr;
};
