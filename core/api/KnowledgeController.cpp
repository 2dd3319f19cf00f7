#include "api/KnowledgeController.h"

#include "http/Exchange.h"
#include "http/Multipart.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "knowledge/KnowledgeService.h"

#include <QJsonArray>
#include <QUrl>

namespace kinbot {

namespace {

ApiError invalid(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), message);
}

Result<QString> validName(const QString &raw)
{
    const QString name = raw.trimmed();
    if (name.isEmpty())
        return invalid(QStringLiteral("name is required"));
    if (name.size() > KnowledgeController::kMaxNameLength)
        return invalid(QStringLiteral("name is limited to %1 characters").arg(KnowledgeController::kMaxNameLength));
    return name;
}

Reply sourceReply(const KnowledgeSource &s, int status = 200)
{
    return Reply::json(QJsonObject{{QStringLiteral("source"), s.toJson()}}, status);
}

} // namespace

KnowledgeController::KnowledgeController(KnowledgeService &knowledge, KinService &kins, QObject *parent)
    : QObject(parent), m_knowledge(knowledge), m_kins(kins)
{
}

// The Kin of the route (:kinId is an id or a slug), or the error already sent.
#define KIN_OR_FAIL(ex)                                                                                                                    \
    auto kinResult = m_kins.resolve((ex)->param(QStringLiteral("kinId")));                                                                \
    if (!kinResult)                                                                                                                        \
        return (ex)->fail(kinResult.error());                                                                                              \
    const QString kinId = kinResult->id

void KnowledgeController::list(const ExchangePtr &ex)
{
    KIN_OR_FAIL(ex);
    ex->sendResult(m_knowledge.list(kinId), [](const QList<KnowledgeSource> &sources) {
        QJsonArray out;
        for (const KnowledgeSource &s : sources)
            out.append(s.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("sources"), out}});
    });
}

void KnowledgeController::create(const ExchangePtr &ex)
{
    KIN_OR_FAIL(ex);
    if (ex->header("content-type").trimmed().toLower().startsWith("multipart/form-data"))
        return createFromForm(ex, kinId);
    createFromJson(ex, kinId);
}

void KnowledgeController::createFromForm(const ExchangePtr &ex, const QString &kinId)
{
    auto form = MultipartForm::parse(*ex);
    if (!form)
        return ex->fail(form.error());
    const MultipartPart *file = form->part(QStringLiteral("file"));
    if (!file || !file->isFile())
        return ex->fail(invalid(QStringLiteral("A 'file' part is required")));
    if (file->data.isEmpty())
        return ex->fail(invalid(QStringLiteral("The file is empty")));
    const QString type = form->field(QStringLiteral("type"), QStringLiteral("file")).trimmed();
    if (type != QLatin1String("file"))
        return ex->fail(invalid(QStringLiteral("An upload makes a source of type 'file'")));
    QString fileName = file->fileName.section(QLatin1Char('/'), -1).section(QLatin1Char('\\'), -1);
    auto name = validName(form->field(QStringLiteral("name"), fileName));
    if (!name)
        return ex->fail(name.error());
    if (fileName.isEmpty())
        fileName = name.value();
    QByteArray mime = file->contentType;
    if (const QString m = form->field(QStringLiteral("mimeType")); !m.isEmpty())
        mime = m.toUtf8();
    ex->sendResult(m_knowledge.addFile(kinId, name.value(), fileName, mime, file->data),
                   [](const KnowledgeSource &s) { return sourceReply(s, 201); });
}

void KnowledgeController::createFromJson(const ExchangePtr &ex, const QString &kinId)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const auto optionalString = [&](const char *key, QString &into) -> Status {
        const QJsonValue v = body->value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isString())
            return invalid(QStringLiteral("%1 must be a string").arg(QLatin1String(key)));
        into = v.toString();
        return {};
    };
    QString nameRaw, type, content, sourceUrl, originalFilename, mimeType;
    for (Status st : {optionalString("name", nameRaw), optionalString("type", type), optionalString("content", content),
                      optionalString("sourceUrl", sourceUrl), optionalString("originalFilename", originalFilename),
                      optionalString("mimeType", mimeType)})
        if (!st)
            return ex->fail(st.error());
    auto name = validName(nameRaw);
    if (!name)
        return ex->fail(name.error());
    const auto created = [](const KnowledgeSource &s) { return sourceReply(s, 201); };

    if (type == QLatin1String("text")) {
        if (content.trimmed().isEmpty())
            return ex->fail(invalid(QStringLiteral("content is required for a text source")));
        return ex->sendResult(m_knowledge.addText(kinId, name.value(), content), created);
    }
    if (type == QLatin1String("url")) {
        const QUrl url(sourceUrl.trimmed(), QUrl::StrictMode);
        if (sourceUrl.trimmed().isEmpty())
            return ex->fail(invalid(QStringLiteral("sourceUrl is required for a url source")));
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty())
            return ex->fail(invalid(QStringLiteral("sourceUrl must be an absolute http(s) URL")));
        return ex->sendResult(m_knowledge.addUrl(kinId, name.value(), url, content), created);
    }
    if (type == QLatin1String("file")) {
        // The reference's JSON form of a file: its text inline (uploads go through multipart).
        if (content.isEmpty())
            return ex->fail(invalid(QStringLiteral("content is required (or upload the file as multipart/form-data)")));
        return ex->sendResult(m_knowledge.addFile(kinId, name.value(), originalFilename.isEmpty() ? name.value() : originalFilename,
                                                  mimeType.toUtf8(), content.toUtf8()),
                              created);
    }
    ex->fail(invalid(QStringLiteral("type must be one of text, url, file")));
}

void KnowledgeController::search(const ExchangePtr &ex)
{
    KIN_OR_FAIL(ex);
    const QString q = ex->queryValue(QStringLiteral("q")).trimmed();
    if (q.isEmpty())
        return ex->fail(invalid(QStringLiteral("q is required")));
    if (q.size() > 2000)
        return ex->fail(invalid(QStringLiteral("q is limited to 2000 characters")));
    int limit = KnowledgeService::kDefaultSearchLimit;
    if (ex->hasQuery(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ex->queryValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > KnowledgeService::kMaxSearchLimit)
            return ex->fail(invalid(QStringLiteral("limit must be an integer from 1 to %1").arg(KnowledgeService::kMaxSearchLimit)));
    }
    m_knowledge.search(kinId, q, limit, this, [ex](Result<QList<KnowledgeHit>> hits) {
        ex->sendResult(hits, [](const QList<KnowledgeHit> &list) {
            QJsonArray out;
            for (const KnowledgeHit &h : list)
                out.append(h.toJson());
            return Reply::json(QJsonObject{{QStringLiteral("results"), out}});
        });
    });
}

void KnowledgeController::get(const ExchangePtr &ex)
{
    KIN_OR_FAIL(ex);
    auto source = m_knowledge.find(kinId, ex->param(QStringLiteral("sourceId")));
    if (!source)
        return ex->fail(source.error());
    auto chunks = m_knowledge.chunks(source->id);
    if (!chunks)
        return ex->fail(chunks.error());
    QJsonArray out;
    for (const KnowledgeChunk &c : chunks.value())
        out.append(c.toJson());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("source"), source->toJson()}, {QStringLiteral("chunks"), out}}));
}

void KnowledgeController::remove(const ExchangePtr &ex)
{
    KIN_OR_FAIL(ex);
    ex->sendSuccess(m_knowledge.remove(kinId, ex->param(QStringLiteral("sourceId"))));
}

void KnowledgeController::reprocess(const ExchangePtr &ex)
{
    KIN_OR_FAIL(ex);
    if (Status st = m_knowledge.reprocess(kinId, ex->param(QStringLiteral("sourceId"))); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("message"), QStringLiteral("Reprocessing started")}}));
}

} // namespace kinbot
