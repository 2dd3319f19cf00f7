#include "engine/Redaction.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace kinbot {

void TurnRedactions::add(const QString &secret, const QString &replacement)
{
    if (secret.size() < kMinLength)
        return;
    QString with = replacement.isEmpty() ? defaultReplacement() : replacement;
    // A replacement holding its own secret would undo the scrub (and grow each time it is applied again).
    if (with.contains(secret))
        with = defaultReplacement().contains(secret) ? QStringLiteral("***") : defaultReplacement();
    for (auto &item : m_items) {
        if (item.first == secret) {
            // A specific replacement (redact_message's redacted_text) beats the generic one.
            if (!replacement.isEmpty())
                item.second = with;
            return;
        }
    }
    auto it = std::find_if(m_items.begin(), m_items.end(), [&](const auto &item) { return item.first.size() < secret.size(); });
    m_items.insert(it, {secret, with});
}

void TurnRedactions::addLeaves(const QJsonValue &v, const QString &replacement)
{
    if (v.isString()) {
        add(v.toString(), replacement);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            addLeaves(it.value(), replacement);
    } else if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            addLeaves(item, replacement);
    }
}

QString TurnRedactions::apply(QString text) const
{
    for (const auto &[secret, replacement] : m_items)
        text.replace(secret, replacement);
    return text;
}

QJsonValue TurnRedactions::apply(const QJsonValue &v) const
{
    if (m_items.isEmpty())
        return v;
    if (v.isString())
        return apply(v.toString());
    if (v.isObject())
        return apply(v.toObject());
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : v.toArray())
            out.append(apply(item));
        return out;
    }
    return v;
}

QJsonObject TurnRedactions::apply(const QJsonObject &o) const
{
    if (m_items.isEmpty())
        return o;
    QJsonObject out;
    for (auto it = o.begin(); it != o.end(); ++it)
        out.insert(apply(it.key()), apply(it.value()));
    return out;
}

QJsonObject maskArgs(const QJsonObject &args, const QStringList &names)
{
    QJsonObject out = args;
    for (const QString &name : names)
        if (out.contains(name))
            out.insert(name, TurnRedactions::defaultReplacement());
    return out;
}

namespace secretrefs {

namespace {

const QRegularExpression &placeholderRe()
{
    static const QRegularExpression re(QStringLiteral("\\{\\{\\s*secret(-file)?:([^{}]+?)\\s*\\}\\}"));
    return re;
}

Result<QJsonValue> expandValue(const QJsonValue &v, const Resolver &resolve, QList<QPair<QString, QString>> &revealed)
{
    if (v.isString()) {
        const QString text = v.toString();
        if (!text.contains(QLatin1String("{{")))
            return v;
        QString out;
        qsizetype last = 0;
        auto it = placeholderRe().globalMatch(text);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            auto value = resolve(!m.captured(1).isEmpty(), m.captured(2).trimmed());
            if (!value)
                return value.error();
            out += QStringView(text).mid(last, m.capturedStart() - last);
            out += value.value();
            last = m.capturedEnd();
            revealed.append({value.value(), m.captured(0)});
        }
        out += QStringView(text).mid(last);
        return QJsonValue(out);
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            auto item = expandValue(it.value(), resolve, revealed);
            if (!item)
                return item.error();
            out.insert(it.key(), item.value());
        }
        return QJsonValue(out);
    }
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &x : v.toArray()) {
            auto item = expandValue(x, resolve, revealed);
            if (!item)
                return item.error();
            out.append(item.value());
        }
        return QJsonValue(out);
    }
    return v;
}

} // namespace

Result<Expansion> expand(const QJsonObject &args, const Resolver &resolve)
{
    Expansion e;
    auto out = expandValue(args, resolve, e.revealed);
    if (!out)
        return out.error();
    e.args = out.value().toObject();
    return e;
}

} // namespace secretrefs

} // namespace kinbot
