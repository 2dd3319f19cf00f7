#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>

namespace kinbot {

// Strings that must not leave the server during one turn: secret values a tool handled, the arguments of tools that
// carry secrets (create_secret's value…), text a user asked to redact. The runner passes every tool result, stored tool
// call, SSE payload, the reply it stores and the in-flight model request through apply(); at the end of the turn the
// engine scrubs the message that started it too.
class TurnRedactions final
{
public:
    static constexpr int kMinLength = 4; // shorter strings would mangle ordinary text; such values are only masked by name
    static QString defaultReplacement() { return QStringLiteral("[REDACTED]"); }

    void add(const QString &secret, const QString &replacement = {});
    // Every string of at least kMinLength inside v (object members, array items, v itself).
    void addLeaves(const QJsonValue &v, const QString &replacement = {});
    bool isEmpty() const { return m_items.isEmpty(); }
    const QList<QPair<QString, QString>> &items() const { return m_items; }

    QString apply(QString text) const;
    QJsonValue apply(const QJsonValue &v) const;
    QJsonObject apply(const QJsonObject &o) const;

private:
    QList<QPair<QString, QString>> m_items; // longest secret first, so a longer secret is not cut by a shorter one
};

// A copy of args whose named top-level members are replaced by "[REDACTED]".
QJsonObject maskArgs(const QJsonObject &args, const QStringList &names);

// "{{secret:KEY}}", "{{secret:KEY.field}}" and "{{secret-file:<attachmentId>}}" placeholders: Kins never see vault
// values; they write a placeholder where a secret is needed and tools that accept secrets get it expanded just before
// they run.
namespace secretrefs {

// file: a {{secret-file:…}} placeholder; ref: what is between the colon and the closing braces.
using Resolver = std::function<Result<QString>(bool file, const QString &ref)>;

struct Expansion
{
    QJsonObject args;
    QList<QPair<QString, QString>> revealed; // value → the placeholder it replaced
};

// Expands the placeholders found in every string of args (keys untouched). Fails on the first unknown reference.
Result<Expansion> expand(const QJsonObject &args, const Resolver &resolve);

} // namespace secretrefs

} // namespace kinbot
