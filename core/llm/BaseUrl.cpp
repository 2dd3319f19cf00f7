#include "llm/BaseUrl.h"

namespace kinbot::llm {

QString stripApiSuffix(QString url, const QStringList &suffixes)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    for (const QString &suffix : suffixes) {
        if (url.endsWith(suffix)) {
            url.chop(suffix.size());
            break;
        }
    }
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

} // namespace kinbot::llm
