#pragma once

#include "http/Route.h"

#include <QHash>
#include <QList>
#include <QString>

namespace kinbot {

struct RouteMatch
{
    enum class Kind { Found, NotFound, MethodNotAllowed, BadPath };
    Kind kind = Kind::NotFound;
    const Route *route = nullptr;
    QHash<QString, QString> params; // decoded; "*" holds the wildcard tail
    QByteArrayList allowed;         // for MethodNotAllowed
};

// Matches a method and a raw (percent-encoded) path against the route table. Segments are decoded one by one, so an
// encoded "/" can never split a parameter; "." and ".." segments and decoded parameters holding "/", "\" or NUL are
// rejected as BadPath (path-traversal defence for every parameter).
class Router final
{
public:
    void add(const Route &route);
    void addAll(const QList<Route> &routes);
    RouteMatch match(const QByteArray &method, const QByteArray &encodedPath) const;
    const QList<Route> &routes() const { return m_routes; }

    static bool splitPath(const QByteArray &encodedPath, QStringList &segments);

private:
    struct Compiled
    {
        QStringList segments; // ":name" params, "*" wildcard tail
        bool wildcard = false;
    };
    QList<Route> m_routes;
    QList<Compiled> m_compiled;
};

} // namespace kinbot
