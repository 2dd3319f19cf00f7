#include "api/McpServersController.h"

#include "http/Exchange.h"
#include "mcp/McpService.h"

#include <QJsonArray>

namespace kinbot {

namespace {

ApiError invalid(const QString &message)
{
    return ApiError::validation(message);
}

Result<std::optional<QString>> optionalString(const QJsonObject &body, const QString &key)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull())
        return std::optional<QString>();
    if (!v.isString())
        return invalid(QStringLiteral("%1 must be a string").arg(key));
    return std::optional<QString>(v.toString());
}

Result<std::optional<QStringList>> optionalList(const QJsonObject &body, const QString &key)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull())
        return std::optional<QStringList>();
    if (!v.isArray())
        return invalid(QStringLiteral("%1 must be an array of strings").arg(key));
    QStringList out;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString())
            return invalid(QStringLiteral("%1 must be an array of strings").arg(key));
        out << item.toString();
    }
    return std::optional<QStringList>(out);
}

// {KEY: "value"}; null → an empty map (clears).
Result<std::optional<QMap<QString, QString>>> optionalMap(const QJsonObject &body, const QString &key)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined())
        return std::optional<QMap<QString, QString>>();
    QMap<QString, QString> out;
    if (v.isNull())
        return std::optional<QMap<QString, QString>>(out);
    if (!v.isObject())
        return invalid(QStringLiteral("%1 must be an object of strings").arg(key));
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString())
            return invalid(QStringLiteral("%1 values must be strings").arg(key));
        out.insert(it.key(), it.value().toString());
    }
    return std::optional<QMap<QString, QString>>(out);
}

// The fields common to POST and PATCH.
Result<McpServerPatch> patchOf(const QJsonObject &body)
{
    McpServerPatch p;
    for (auto [key, slot] : {std::pair{"name", &p.name}, std::pair{"transport", &p.transport}, std::pair{"command", &p.command},
                             std::pair{"url", &p.url}, std::pair{"status", &p.status}}) {
        auto v = optionalString(body, QLatin1String(key));
        if (!v)
            return v.error();
        *slot = v.value();
    }
    auto args = optionalList(body, QStringLiteral("args"));
    if (!args)
        return args.error();
    p.args = args.value();
    for (auto [key, slot] : {std::pair{"env", &p.env}, std::pair{"headers", &p.headers}}) {
        auto v = optionalMap(body, QLatin1String(key));
        if (!v)
            return v.error();
        *slot = v.value();
    }
    return p;
}

Reply serverReply(const McpServerRecord &s, int status = 200)
{
    return Reply::json(QJsonObject{{QStringLiteral("server"), s.toJson()}}, status);
}

} // namespace

McpServersController::McpServersController(McpService &mcp, QObject *parent) : QObject(parent), m_mcp(mcp) {}

void McpServersController::list(const ExchangePtr &ex)
{
    ex->sendResult(m_mcp.list(), [](const QList<McpServerRecord> &all) {
        QJsonArray out;
        for (const McpServerRecord &s : all)
            out.append(s.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("servers"), out}});
    });
}

void McpServersController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto p = patchOf(*body);
    if (!p)
        return ex->fail(p.error());
    auto kin = optionalString(*body, QStringLiteral("createdByKinId"));
    if (!kin)
        return ex->fail(kin.error());
    McpServerRecord s;
    s.name = p->name.value_or(QString());
    s.url = p->url.value_or(QString());
    s.command = p->command.value_or(QString());
    // No transport given: a url without a command means Streamable HTTP.
    s.transport = p->transport.value_or(s.command.isEmpty() && !s.url.isEmpty() ? QStringLiteral("http") : QStringLiteral("stdio"));
    s.args = p->args.value_or(QStringList());
    s.env = p->env.value_or(QMap<QString, QString>());
    s.headers = p->headers.value_or(QMap<QString, QString>());
    s.status = p->status.value_or(QStringLiteral("active"));
    s.createdByKinId = kin->value_or(QString());
    ex->sendResult(m_mcp.create(s), [](const McpServerRecord &r) { return serverReply(r, 201); });
}

void McpServersController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto p = patchOf(*body);
    if (!p)
        return ex->fail(p.error());
    ex->sendResult(m_mcp.update(ex->param(QStringLiteral("id")), p.value()), [](const McpServerRecord &r) { return serverReply(r); });
}

void McpServersController::remove(const ExchangePtr &ex)
{
    Status st = m_mcp.remove(ex->param(QStringLiteral("id")));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void McpServersController::approve(const ExchangePtr &ex)
{
    ex->sendResult(m_mcp.approve(ex->param(QStringLiteral("id"))), [](const McpServerRecord &r) { return serverReply(r); });
}

void McpServersController::status(const ExchangePtr &ex)
{
    ex->sendResult(m_mcp.status(ex->param(QStringLiteral("id"))), [](const QJsonObject &o) { return Reply::json(o); });
}

void McpServersController::test(const ExchangePtr &ex)
{
    m_mcp.test(ex->param(QStringLiteral("id")), this, [ex](Result<QJsonObject> r) {
        ex->sendResult(r, [](const QJsonObject &o) { return Reply::json(o); });
    });
}

} // namespace kinbot
