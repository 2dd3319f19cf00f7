#include "api/FileStorageController.h"

#include "crypto/PasswordHasher.h"
#include "files/FileStorage.h"
#include "http/Exchange.h"
#include "http/Multipart.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "util/Async.h"
#include "util/Clock.h"

#include <QFile>
#include <QJsonArray>
#include <QPointer>
#include <QTimer>
#include <QUrl>

namespace kinbot {

static ApiError downloadError(ErrorKind kind, const QString &message)
{
    return {kind, QStringLiteral("DOWNLOAD_ERROR"), message};
}

FileStorageController::FileStorageController(FileStorage &storage, KinService &kins, QThreadPool &cpuPool, const Clock &clock,
                                             QObject *parent)
    : QObject(parent), m_storage(storage), m_kins(kins), m_pool(cpuPool), m_clock(clock),
      m_passwordFailures(clock, kMaxPasswordFailures, kPasswordWindowMs)
{
}

void FileStorageController::list(const ExchangePtr &ex)
{
    QString kinId;
    if (ex->hasQuery(QStringLiteral("kinId"))) {
        auto kin = m_kins.resolve(ex->queryValue(QStringLiteral("kinId")));
        if (!kin)
            return ex->fail(kin.error());
        kinId = kin->id;
    }
    ex->sendResult(m_storage.list(kinId), [this](const QList<StoredFile> &files) {
        QJsonArray out;
        for (const StoredFile &f : files)
            out.append(f.toJson(m_publicUrl));
        return Reply::json(QJsonObject{{QStringLiteral("files"), out}});
    });
}

// Multipart text fields → a change; booleans as the reference reads them ('false' / 'true').
static Result<StoredFileChange> changeFromForm(const MultipartForm &form)
{
    StoredFileChange c;
    auto text = [&form](const char *name) -> std::optional<QString> {
        const MultipartPart *p = form.part(QString::fromLatin1(name));
        return p ? std::optional<QString>(QString::fromUtf8(p->data)) : std::nullopt;
    };
    if (auto v = text("name"); v && !v->trimmed().isEmpty())
        c.name = *v;
    if (auto v = text("description"))
        c.description = *v;
    if (auto v = text("isPublic"))
        c.isPublic = v->trimmed() != QLatin1String("false");
    if (auto v = text("readAndBurn"))
        c.readAndBurn = v->trimmed() == QLatin1String("true");
    if (auto v = text("expiresIn"); v && !v->trimmed().isEmpty()) {
        bool ok = false;
        const qint64 minutes = v->trimmed().toLongLong(&ok);
        if (!ok || minutes <= 0)
            return ApiError::validation(QStringLiteral("expiresIn must be a positive number of minutes"));
        c.expiresInMinutes = minutes;
    }
    return c;
}

void FileStorageController::upload(const ExchangePtr &ex)
{
    auto form = MultipartForm::parse(*ex);
    if (!form)
        return ex->fail(form.error());
    const MultipartPart *file = form->part(QStringLiteral("file"));
    if (!file || !file->isFile())
        return ex->fail(ApiError::badRequest(QStringLiteral("UPLOAD_ERROR"), QStringLiteral("A 'file' part is required")));
    const MultipartPart *kinPart = form->part(QStringLiteral("kinId"));
    if (!kinPart || kinPart->data.trimmed().isEmpty())
        return ex->fail(ApiError::validation(QStringLiteral("kinId is required")));
    auto kin = m_kins.resolve(QString::fromUtf8(kinPart->data).trimmed());
    if (!kin)
        return ex->fail(kin.error());
    auto change = changeFromForm(form.value());
    if (!change)
        return ex->fail(change.error());
    const MultipartPart *passwordPart = form->part(QStringLiteral("password"));
    const QString password = passwordPart ? QString::fromUtf8(passwordPart->data) : QString();
    if (password.size() > 200)
        return ex->fail(ApiError::validation(QStringLiteral("password is limited to 200 characters")));

    const QString kinId = kin->id, userId = ex->principal.userId, fileName = file->fileName;
    const QByteArray data = file->data;
    auto store = [this, ex, kinId, userId, fileName, data](StoredFileChange c) {
        ex->sendResult(m_storage.create(kinId, fileName, data, c, {}, userId), [this](const StoredFile &f) {
            return Reply::json(QJsonObject{{QStringLiteral("file"), f.toJson(m_publicUrl)}}, 201);
        });
    };
    if (password.isEmpty())
        return store(change.value());
    runOffThread(m_pool, this, [password] { return passwords::hash(password); },
                 [store, c = change.value()](QString hash) mutable {
                     c.passwordHash = hash;
                     store(c);
                 });
}

void FileStorageController::get(const ExchangePtr &ex)
{
    ex->sendResult(m_storage.find(ex->param("id")),
                   [this](const StoredFile &f) { return Reply::json(QJsonObject{{QStringLiteral("file"), f.toJson(m_publicUrl)}}); });
}

void FileStorageController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    StoredFileChange c;
    const auto stringField = [&](const QString &key, std::optional<QString> &into) -> Status {
        const QJsonValue v = body->value(key);
        if (v.isUndefined())
            return {};
        if (!v.isString())
            return ApiError::validation(QStringLiteral("%1 must be a string").arg(key));
        into = v.toString();
        return {};
    };
    const auto boolField = [&](const QString &key, std::optional<bool> &into) -> Status {
        const QJsonValue v = body->value(key);
        if (v.isUndefined())
            return {};
        if (!v.isBool())
            return ApiError::validation(QStringLiteral("%1 must be true or false").arg(key));
        into = v.toBool();
        return {};
    };
    for (Status st : {stringField(QStringLiteral("name"), c.name), stringField(QStringLiteral("description"), c.description),
                      boolField(QStringLiteral("isPublic"), c.isPublic), boolField(QStringLiteral("readAndBurn"), c.readAndBurn)})
        if (!st)
            return ex->fail(st.error());
    const QJsonValue expires = body->value(QStringLiteral("expiresIn"));
    if (expires.isNull())
        c.expiresInMinutes = 0;
    else if (expires.isDouble() && expires.toDouble() > 0)
        c.expiresInMinutes = qint64(expires.toDouble());
    else if (!expires.isUndefined())
        return ex->fail(ApiError::validation(QStringLiteral("expiresIn must be a positive number of minutes or null")));
    const QJsonValue password = body->value(QStringLiteral("password"));
    if (!password.isUndefined() && !password.isNull() && (!password.isString() || password.toString().size() > 200))
        return ex->fail(ApiError::validation(QStringLiteral("password must be a string (at most 200 characters) or null")));

    const QString id = ex->param("id");
    auto apply = [this, ex, id](StoredFileChange change) {
        ex->sendResult(m_storage.update(id, change),
                       [this](const StoredFile &f) { return Reply::json(QJsonObject{{QStringLiteral("file"), f.toJson(m_publicUrl)}}); });
    };
    if (password.isNull() || (password.isString() && password.toString().isEmpty())) {
        c.passwordHash = QString();
        return apply(c);
    }
    if (password.isUndefined())
        return apply(c);
    runOffThread(m_pool, this, [pw = password.toString()] { return passwords::hash(pw); }, [apply, c](QString hash) mutable {
        c.passwordHash = hash;
        apply(c);
    });
}

void FileStorageController::remove(const ExchangePtr &ex)
{
    ex->sendSuccess(m_storage.remove(ex->param("id")));
}

Result<StoredFile> FileStorageController::shared(const ExchangePtr &ex)
{
    auto found = m_storage.findByToken(ex->param("token"));
    if (!found)
        return found.error();
    // A private file (isPublic false) is only for signed-in users; anonymous callers see no difference from an unknown
    // link. The reference ignores isPublic.
    if (!found.value() || (!found.value()->isPublic && !ex->principal.authenticated()))
        return downloadError(ErrorKind::NotFound, QStringLiteral("File not found"));
    const StoredFile f = *found.value();
    if (f.isExpired(m_clock.nowMs())) {
        m_storage.remove(f.id);
        return downloadError(ErrorKind::Gone, QStringLiteral("File has expired"));
    }
    return f;
}

void FileStorageController::download(const ExchangePtr &ex, const StoredFile &f)
{
    QFile file(m_storage.absolutePath(f));
    if (!file.open(QIODevice::ReadOnly))
        return ex->fail({ErrorKind::Internal, QStringLiteral("DOWNLOAD_ERROR"), QStringLiteral("File not found")});
    Reply r = Reply::bytes(file.readAll(), f.mimeType.toLatin1());
    r.header("Content-Disposition", "attachment; filename=\"" + QUrl::toPercentEncoding(f.originalName) + "\"");
    r.header("Cache-Control", "no-store");
    r.header("Content-Security-Policy", "sandbox");
    ex->send(r);
    m_storage.countDownload(f.id);
    if (f.readAndBurn) {
        const QString id = f.id;
        QTimer::singleShot(kBurnDelayMs, this, [this, id] { m_storage.remove(id); });
    }
}

void FileStorageController::shareGet(const ExchangePtr &ex)
{
    auto f = shared(ex);
    if (!f)
        return ex->fail(f.error());
    if (!f->passwordHash.isEmpty())
        return ex->fail({ErrorKind::Unauthorized, QStringLiteral("PASSWORD_REQUIRED"), QStringLiteral("This file is protected by a password")});
    download(ex, f.value());
}

void FileStorageController::sharePost(const ExchangePtr &ex)
{
    auto f = shared(ex);
    if (!f)
        return ex->fail(f.error());
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_BODY"), QStringLiteral("Send {\"password\": \"...\"} as JSON")));
    const QString password = body->value(QStringLiteral("password")).toString();
    if (password.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("PASSWORD_REQUIRED"), QStringLiteral("password is required")));
    if (f->passwordHash.isEmpty())
        return download(ex, f.value());
    const QString key = f->accessToken + QLatin1Char('|') + ex->remoteAddress().toString();
    if (m_passwordFailures.limited(key)) {
        ex->addResponseHeader("Retry-After", QByteArray::number((m_passwordFailures.retryAfterMs(key) + 999) / 1000));
        return ex->fail(ApiError::tooManyRequests(QStringLiteral("Too many wrong passwords for this link; try again later")));
    }
    runOffThread(m_pool, this, [password, stored = f->passwordHash] { return passwords::verify(password, stored); },
                 [this, ex, key, file = f.value()](bool ok) {
                     if (!ok) {
                         m_passwordFailures.record(key);
                         return ex->fail({ErrorKind::Unauthorized, QStringLiteral("INVALID_PASSWORD"), QStringLiteral("Invalid password")});
                     }
                     m_passwordFailures.reset(key);
                     download(ex, file);
                 });
}

} // namespace kinbot
