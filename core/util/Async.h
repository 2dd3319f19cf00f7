#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <utility>

namespace kinbot {

// Runs work() on a pool thread, then then(result) back on ctx's thread (the main loop). Used for CPU-heavy steps such as
// password hashing so the event loop never blocks. If ctx is gone by then, the continuation is dropped.
template<typename Work, typename Then>
void runOffThread(QThreadPool &pool, QObject *ctx, Work work, Then then)
{
    QPointer<QObject> guard(ctx);
    pool.start([guard, work = std::move(work), then = std::move(then)]() mutable {
        auto result = work();
        QMetaObject::invokeMethod(
            guard.data(),
            [guard, then = std::move(then), result = std::move(result)]() mutable {
                if (guard)
                    then(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

} // namespace kinbot
