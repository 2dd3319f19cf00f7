#include "miniapps/backend/JsRuntimeResources.h"

#include <QFile>

#include <mutex>

static void kinbotInitJsRuntimeQrc()
{
    Q_INIT_RESOURCE(jsruntime); // must be called from the global namespace
}

namespace kinbot::miniapps {

void initJsRuntimeResources()
{
    static std::once_flag once;
    std::call_once(once, kinbotInitJsRuntimeQrc);
}

const QList<QPair<QString, QString>> &backendRuntimeScripts()
{
    static const QList<QPair<QString, QString>> scripts = [] {
        initJsRuntimeResources();
        QList<QPair<QString, QString>> out;
        for (const char *name : {"polyfills.js", "hono.js", "host-glue.js"}) {
            const QString path = QStringLiteral(":/jsruntime/") + QLatin1String(name);
            QFile f(path);
            out.append({path, f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString()});
        }
        return out;
    }();
    return scripts;
}

} // namespace kinbot::miniapps
