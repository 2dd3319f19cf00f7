#include "http/Router.h"

#include <QUrl>

namespace kinbot {

void Router::add(const Route &route)
{
    Compiled c;
    const QStringList parts = route.pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString &p : parts) {
        if (p == QLatin1String("*")) {
            c.wildcard = true;
            break;
        }
        c.segments.append(p);
    }
    m_routes.append(route);
    m_compiled.append(c);
}

void Router::addAll(const QList<Route> &routes)
{
    for (const Route &r : routes)
        add(r);
}

bool Router::splitPath(const QByteArray &encodedPath, QStringList &segments)
{
    segments.clear();
    const QList<QByteArray> raw = encodedPath.split('/');
    for (const QByteArray &seg : raw) {
        if (seg.isEmpty())
            continue;
        const QString decoded = QUrl::fromPercentEncoding(seg);
        if (decoded == QLatin1String(".") || decoded == QLatin1String("..") || decoded.contains(QLatin1Char('/'))
            || decoded.contains(QLatin1Char('\\')) || decoded.contains(QChar(0)))
            return false;
        segments.append(decoded);
    }
    return true;
}

RouteMatch Router::match(const QByteArray &method, const QByteArray &encodedPath) const
{
    RouteMatch out;
    QStringList segs;
    if (!splitPath(encodedPath, segs)) {
        out.kind = RouteMatch::Kind::BadPath;
        return out;
    }
    const QByteArray effective = method == "HEAD" ? QByteArrayLiteral("GET") : method;

    // Static segments beat parameters: among the routes that match, prefer the one with the most literal segments
    // at the earliest position (so /api/users/mentionables wins over /api/users/:id).
    int bestScore = -1;
    for (int i = 0; i < m_routes.size(); ++i) {
        const Compiled &c = m_compiled.at(i);
        if (c.wildcard ? segs.size() <= c.segments.size() : segs.size() != c.segments.size())
            continue;
        QHash<QString, QString> params;
        int score = 0;
        bool ok = true;
        for (int s = 0; s < c.segments.size(); ++s) {
            const QString &pat = c.segments.at(s);
            if (pat.startsWith(QLatin1Char(':'))) {
                params.insert(pat.mid(1), segs.at(s));
            } else if (pat == segs.at(s)) {
                score |= 1 << (20 - s);
            } else {
                ok = false;
                break;
            }
        }
        if (!ok)
            continue;
        if (c.wildcard)
            params.insert(QStringLiteral("*"), segs.mid(c.segments.size()).join(QLatin1Char('/')));
        const Route &r = m_routes.at(i);
        if (r.method != effective) {
            if (!out.allowed.contains(r.method))
                out.allowed.append(r.method);
            continue;
        }
        if (score > bestScore) {
            bestScore = score;
            out.kind = RouteMatch::Kind::Found;
            out.route = &r;
            out.params = params;
        }
    }
    if (out.kind != RouteMatch::Kind::Found && !out.allowed.isEmpty())
        out.kind = RouteMatch::Kind::MethodNotAllowed;
    return out;
}

} // namespace kinbot
