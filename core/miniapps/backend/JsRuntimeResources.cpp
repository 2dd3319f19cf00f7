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

const QStringList &backendRuntimeModules()
{
    static const QStringList modules = [] {
        initJsRuntimeResources();
        QStringList out;
        for (const char *name : {"polyfills.mjs", "hono.mjs", "host-glue.mjs"})
            out.append(QStringLiteral(":/jsruntime/") + QLatin1String(name));
        return out;
    }();
    return modules;
}

} // namespace kinbot::miniapps
