#include "prompts/PromptService.h"

#include "events/EventBus.h"
#include "notifications/NotificationService.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <QHash>
#include <QJsonDocument>

namespace kinbot {

namespace {

const QString kColumns = QStringLiteral("id, kin_id, task_id, message_id, prompt_type, question, description, options, response, status, "
                                        "created_at, responded_at");

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

QJsonValue parseJson(const QString &text)
{
    if (text.isEmpty())
        return QJsonValue();
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (doc.isArray())
        return doc.array();
    if (doc.isObject())
        return doc.object();
    // A bare string was stored as a JSON document of one string: ["value"] is not how it is written (see toText).
    return QJsonDocument::fromJson("[" + text.toUtf8() + "]").array().at(0);
}

QString toText(const QJsonValue &v)
{
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    // A JSON string literal.
    const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

HumanPrompt fromRow(const Database::Row &r)
{
    HumanPrompt p;
    p.id = r.at(0).toString();
    p.kinId = r.at(1).toString();
    p.taskId = r.at(2).toString();
    p.messageId = r.at(3).toString();
    p.promptType = r.at(4).toString();
    p.question = r.at(5).toString();
    p.description = r.at(6).toString();
    p.options = parseJson(r.at(7).toString()).toArray();
    p.response = parseJson(r.at(8).toString());
    p.status = r.at(9).toString();
    p.createdAt = r.at(10).toLongLong();
    p.respondedAt = r.at(11).isNull() ? 0 : r.at(11).toLongLong();
    return p;
}

ApiError promptError(const QString &message) { return ApiError::badRequest(QStringLiteral("PROMPT_ERROR"), message); }

// The options as the prompt stores them: {label, value[, description][, variant]}, trimmed, values unique.
Result<QJsonArray> cleanOptions(const QJsonArray &in)
{
    static const QStringList variants{QStringLiteral("default"), QStringLiteral("success"), QStringLiteral("warning"),
                                      QStringLiteral("destructive"), QStringLiteral("primary")};
    if (in.size() < PromptService::kMinOptions || in.size() > PromptService::kMaxOptions)
        return ApiError::validation(QStringLiteral("options must hold %1 to %2 choices").arg(PromptService::kMinOptions).arg(PromptService::kMaxOptions));
    QJsonArray out;
    QStringList values;
    for (const QJsonValue &v : in) {
        const QJsonObject o = v.toObject();
        const QString label = o.value(QStringLiteral("label")).toString().trimmed();
        const QString value = o.value(QStringLiteral("value")).toString().trimmed();
        if (!v.isObject() || label.isEmpty() || value.isEmpty())
            return ApiError::validation(QStringLiteral("every option needs a non-empty label and value"));
        if (values.contains(value))
            return ApiError::validation(QStringLiteral("option values must be unique (\"%1\" repeats)").arg(value));
        values << value;
        QJsonObject clean{{QStringLiteral("label"), label}, {QStringLiteral("value"), value}};
        const QString description = o.value(QStringLiteral("description")).toString().trimmed();
        if (!description.isEmpty())
            clean.insert(QStringLiteral("description"), description);
        const QJsonValue variant = o.value(QStringLiteral("variant"));
        if (!variant.isUndefined() && !variant.isNull()) {
            if (!variants.contains(variant.toString()))
                return ApiError::validation(QStringLiteral("option variant must be one of ") + variants.join(QStringLiteral(", ")));
            clean.insert(QStringLiteral("variant"), variant.toString());
        }
        out.append(clean);
    }
    return out;
}

} // namespace

PromptService::PromptService(const Database &db, EventBus &bus, const Clock &clock, NotificationService &notifications, Enqueue enqueue)
    : m_db(db), m_bus(bus), m_clock(clock), m_notifications(notifications), m_enqueue(std::move(enqueue))
{
}

QString PromptService::responseText(const QString &question, const QStringList &labels)
{
    return QStringLiteral("[Human response to \"%1\"]: %2").arg(question, labels.join(QStringLiteral(", ")));
}

Result<HumanPrompt> PromptService::ask(const Ask &a)
{
    static const QStringList types{QStringLiteral("confirm"), QStringLiteral("select"), QStringLiteral("multi_select")};
    if (!types.contains(a.promptType))
        return ApiError::validation(QStringLiteral("prompt_type must be confirm, select or multi_select"));
    const QString question = a.question.trimmed();
    if (question.isEmpty() || question.size() > kMaxQuestion)
        return ApiError::validation(QStringLiteral("question is required (1-%1 characters)").arg(kMaxQuestion));
    const QString description = a.description.trimmed();
    if (description.size() > kMaxDescription)
        return ApiError::validation(QStringLiteral("description must be at most %1 characters").arg(kMaxDescription));
    auto options = cleanOptions(a.options);
    if (!options)
        return options.error();
    if (!a.messageId.isEmpty()) {
        auto earlier = m_db.selectOne(QStringLiteral("SELECT 1 FROM human_prompts WHERE message_id = ?"), {a.messageId});
        if (!earlier)
            return earlier.error();
        if (earlier.value())
            return ApiError::conflict(QStringLiteral("PROMPT_ERROR"),
                                      QStringLiteral("A prompt was already sent in this turn: wait for the answer, it comes as a new message"));
    }

    QString kinId = a.kinId;
    if (!a.taskId.isEmpty()) {
        if (!m_taskHooks.admit)
            return promptError(QStringLiteral("Tasks cannot ask the users here"));
        auto owner = m_taskHooks.admit(a.taskId);
        if (!owner)
            return owner.error();
        kinId = owner.value();
    }

    HumanPrompt p;
    p.id = ids::uuid();
    p.kinId = kinId;
    p.taskId = a.taskId;
    p.messageId = a.messageId;
    p.promptType = a.promptType;
    p.question = question;
    p.description = description;
    p.options = options.value();
    p.createdAt = m_clock.nowMs();
    auto ins = m_db.run(QStringLiteral("INSERT INTO human_prompts(%1) VALUES(?,?,?,?,?,?,?,?,NULL,'pending',?,NULL)").arg(kColumns),
                        {p.id, p.kinId, nullIfEmpty(p.taskId), nullIfEmpty(p.messageId), p.promptType, p.question, nullIfEmpty(p.description),
                         toText(p.options), p.createdAt});
    if (!ins)
        return ins.error();

    m_bus.toKin(p.kinId, QStringLiteral("prompt:pending"),
                {{QStringLiteral("promptId"), p.id},
                 {QStringLiteral("kinId"), p.kinId},
                 {QStringLiteral("taskId"), p.taskId.isEmpty() ? QJsonValue() : QJsonValue(p.taskId)},
                 {QStringLiteral("promptType"), p.promptType},
                 {QStringLiteral("question"), p.question},
                 {QStringLiteral("description"), p.description.isEmpty() ? QJsonValue() : QJsonValue(p.description)},
                 {QStringLiteral("options"), p.options}});
    NotificationInput n;
    n.type = QStringLiteral("prompt:pending");
    n.title = p.question.left(100);
    n.body = p.description.left(500);
    n.kinId = p.kinId;
    n.relatedId = p.id;
    n.relatedType = QStringLiteral("prompt");
    if (auto sent = m_notifications.notifyAll(n); !sent)
        return sent.error();
    if (!p.taskId.isEmpty() && m_taskHooks.asked)
        m_taskHooks.asked(p.taskId);
    return p;
}

Result<int> PromptService::cancelForTask(const QString &taskId)
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id, kin_id FROM human_prompts WHERE task_id = ? AND status = 'pending'"), {taskId});
    if (!rows)
        return rows.error();
    int cancelled = 0;
    for (const auto &r : rows.value()) {
        auto changed = m_db.run(QStringLiteral("UPDATE human_prompts SET status = 'cancelled', responded_at = ? WHERE id = ? AND status = 'pending'"),
                                {m_clock.nowMs(), r.value(0)});
        if (!changed)
            return changed.error();
        if (changed.value() == 0)
            continue;
        ++cancelled;
        m_bus.toKin(r.value(1).toString(), QStringLiteral("prompt:answered"),
                    {{QStringLiteral("promptId"), r.value(0).toString()},
                     {QStringLiteral("kinId"), r.value(1).toString()},
                     {QStringLiteral("taskId"), taskId},
                     {QStringLiteral("cancelled"), true}});
    }
    return cancelled;
}

Result<QList<HumanPrompt>> PromptService::pending(const QString &kinId, const QString &taskId) const
{
    const bool byTask = !taskId.isEmpty();
    QString sql = QStringLiteral("SELECT %1 FROM human_prompts WHERE kin_id = ? AND status = 'pending'").arg(kColumns);
    QVariantList values{kinId};
    if (byTask) {
        sql += QStringLiteral(" AND task_id = ?");
        values << taskId;
    }
    sql += QStringLiteral(" ORDER BY created_at, rowid");
    return mapRows(m_db.selectAll(sql, values), fromRow);
}

Result<std::optional<HumanPrompt>> PromptService::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM human_prompts WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Status PromptService::respond(const QString &id, const QJsonValue &response, const QString &responderUserId)
{
    auto found = find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return promptError(QStringLiteral("Prompt not found"));
    const HumanPrompt p = *found.value();
    if (p.status != QLatin1String("pending"))
        return promptError(QStringLiteral("Prompt is not pending (%1)").arg(p.status));

    QHash<QString, QString> labelOf;
    for (const QJsonValue &o : p.options)
        labelOf.insert(o.toObject().value(QStringLiteral("value")).toString(), o.toObject().value(QStringLiteral("label")).toString());
    QStringList chosen;
    if (p.promptType == QLatin1String("multi_select")) {
        if (!response.isArray() || response.toArray().isEmpty())
            return promptError(QStringLiteral("A multi_select prompt takes a non-empty array of option values"));
        for (const QJsonValue &v : response.toArray()) {
            if (!v.isString())
                return promptError(QStringLiteral("A multi_select prompt takes a non-empty array of option values"));
            if (!chosen.contains(v.toString()))
                chosen << v.toString();
        }
    } else {
        if (!response.isString())
            return promptError(QStringLiteral("A %1 prompt takes one option value (a string)").arg(p.promptType));
        chosen << response.toString();
    }
    QStringList labels;
    for (const QString &value : std::as_const(chosen)) {
        if (!labelOf.contains(value))
            return promptError(QStringLiteral("\"%1\" is not one of the prompt's option values").arg(value));
        labels << labelOf.value(value);
    }
    const QJsonValue stored = p.promptType == QLatin1String("multi_select") ? QJsonValue(QJsonArray::fromStringList(chosen)) : QJsonValue(chosen.first());

    // Only one answer wins, even when two arrive together.
    auto changed = m_db.run(QStringLiteral("UPDATE human_prompts SET status = 'answered', response = ?, responded_at = ? "
                                           "WHERE id = ? AND status = 'pending'"),
                            {toText(stored), m_clock.nowMs(), id});
    if (!changed)
        return changed.error();
    if (changed.value() == 0)
        return promptError(QStringLiteral("Prompt is not pending"));

    m_bus.toKin(p.kinId, QStringLiteral("prompt:answered"),
                {{QStringLiteral("promptId"), p.id},
                 {QStringLiteral("kinId"), p.kinId},
                 {QStringLiteral("taskId"), p.taskId.isEmpty() ? QJsonValue() : QJsonValue(p.taskId)},
                 {QStringLiteral("response"), stored}});

    if (!p.taskId.isEmpty() && m_taskHooks.answered)
        return m_taskHooks.answered(p.taskId, responseText(p.question, labels));
    QueueItem item;
    item.kinId = p.kinId;
    item.messageType = QStringLiteral("user");
    item.content = responseText(p.question, labels);
    item.sourceType = QStringLiteral("user");
    item.sourceId = responderUserId;
    item.priority = QueueStore::kPriorityUser;
    if (auto queued = m_enqueue(item); !queued)
        return queued.error();
    return {};
}

} // namespace kinbot
