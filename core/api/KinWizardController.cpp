#include "api/KinWizardController.h"

#include "engine/OneShotCompletion.h"
#include "engine/ToolRegistry.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"
#include "util/Json.h"

#include <QJsonArray>
#include <QSet>

namespace kinbot {

KinWizardController::KinWizardController(ProviderService &providers, KinService &kins, SettingsStore &settings, ToolRegistry &tools,
                                         QObject *parent)
    : QObject(parent), m_providers(providers), m_kins(kins), m_settings(settings), m_tools(tools)
{
}

// A small, cheap model per provider family for drafting (the reference's choice), when no default LLM is set.
static QString draftingModel(const QString &type)
{
    if (type == QLatin1String("anthropic"))
        return QStringLiteral("claude-haiku-4-5");
    if (type == QLatin1String("openai") || type == QLatin1String("openrouter"))
        return type == QLatin1String("openai") ? QStringLiteral("gpt-4o-mini") : QStringLiteral("openai/gpt-4o-mini");
    if (type == QLatin1String("gemini"))
        return QStringLiteral("gemini-2.0-flash");
    return {};
}

static QString stringOr(const QJsonObject &o, const QString &key, int maxLength)
{
    return o.value(key).toString().trimmed().left(maxLength);
}

void KinWizardController::generateConfig(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString description = body->value(QStringLiteral("description")).toString().trimmed();
    const QString refinement = body->value(QStringLiteral("refinement")).toString().trimmed();
    if (description.isEmpty() && refinement.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_REQUEST"), QStringLiteral("Give a description or a refinement")));
    if (description.size() > kMaxDescription || refinement.size() > kMaxDescription)
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_REQUEST"),
                                             QStringLiteral("description and refinement are limited to %1 characters").arg(kMaxDescription)));
    const QJsonValue current = body->value(QStringLiteral("currentConfig"));
    if (!current.isUndefined() && !current.isNull() && !current.isObject())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_REQUEST"), QStringLiteral("currentConfig must be an object")));
    const bool french = body->value(QStringLiteral("language")).toString() == QLatin1String("fr");

    // The model: the default LLM when one is set, else a drafting model of the first provider that has one.
    QString model = m_settings.string(Setting::DefaultLlmModel);
    QString providerId = m_settings.string(Setting::DefaultLlmProviderId);
    std::shared_ptr<llm::LlmClient> client;
    if (!model.isEmpty()) {
        if (auto r = m_providers.resolveLlm(model, providerId))
            client = r->client;
    }
    if (!client) {
        auto all = m_providers.list();
        if (all)
            for (const ProviderRecord &p : all.value()) {
                if (!p.isValid || !p.capabilities.contains(QStringLiteral("llm")) || draftingModel(p.type).isEmpty())
                    continue;
                model = draftingModel(p.type);
                if (auto r = m_providers.resolveLlm(model, p.id)) {
                    client = r->client;
                    break;
                }
            }
    }
    if (!client)
        return ex->fail(ApiError::unprocessable(QStringLiteral("NO_LLM_PROVIDER"),
                                                QStringLiteral("No LLM provider can draft a Kin: add one or set a default LLM model")));

    QStringList domains;
    for (const ToolDefinition &t : m_tools.all())
        if (!domains.contains(t.domain))
            domains << t.domain;

    llm::ChatRequest request;
    request.model = model;
    request.maxOutputTokens = 2000;
    request.system = QStringLiteral(
        "You design AI agents (\"Kins\") for a self-hosted assistant platform. Answer with ONE JSON object and nothing else:\n"
        "{\"name\": short first name, \"role\": one line (max 200 chars), \"character\": personality and tone (a few sentences), "
        "\"expertise\": what it knows and how it works (a paragraph), \"suggestedModel\": a model id or null, "
        "\"disableToolDomains\": [tool domains it does not need], \"enableOptInToolDomains\": [opt-in domains it needs]}\n"
        "Tool domains: %1. Write every text field in %2.")
                         .arg(domains.join(QStringLiteral(", ")), french ? QStringLiteral("French") : QStringLiteral("English"));
    QString ask;
    if (!description.isEmpty())
        ask += QStringLiteral("Description: ") + description + QLatin1Char('\n');
    if (current.isObject())
        ask += QStringLiteral("Current draft: ") + QString::fromUtf8(json::compact(current.toObject())) + QLatin1Char('\n');
    if (!refinement.isEmpty())
        ask += QStringLiteral("Change request: ") + refinement + QLatin1Char('\n');
    llm::ChatMessage user;
    user.content = ask;
    request.messages.append(user);

    completeOnce(client, request, this, QStringLiteral("GENERATION_FAILED"), [ex, domains](Result<llm::ChatResult> result) {
        if (!result)
            return ex->fail(result.error());
        const auto parsed = firstJsonObject(result->text);
        if (!parsed || stringOr(*parsed, QStringLiteral("name"), 100).isEmpty() || stringOr(*parsed, QStringLiteral("role"), 200).isEmpty())
            return ex->fail(ApiError{ErrorKind::BadGateway, QStringLiteral("GENERATION_FAILED"),
                                     QStringLiteral("The model did not answer with a usable Kin definition")});
        const auto known = [&domains](const QJsonValue &v) {
            QJsonArray out;
            for (const QJsonValue &d : v.toArray())
                if (domains.contains(d.toString()) && !out.contains(d))
                    out.append(d);
            return out;
        };
        const QString suggested = stringOr(*parsed, QStringLiteral("suggestedModel"), 200);
        ex->send(Reply::json(QJsonObject{
            {QStringLiteral("config"),
             QJsonObject{{QStringLiteral("name"), stringOr(*parsed, QStringLiteral("name"), 100)},
                         {QStringLiteral("role"), stringOr(*parsed, QStringLiteral("role"), 200)},
                         {QStringLiteral("character"), stringOr(*parsed, QStringLiteral("character"), 50000)},
                         {QStringLiteral("expertise"), stringOr(*parsed, QStringLiteral("expertise"), 50000)},
                         {QStringLiteral("suggestedModel"), suggested.isEmpty() ? QJsonValue() : QJsonValue(suggested)},
                         {QStringLiteral("disableToolDomains"), known(parsed->value(QStringLiteral("disableToolDomains")))},
                         {QStringLiteral("enableOptInToolDomains"), known(parsed->value(QStringLiteral("enableOptInToolDomains")))}}}}));
    });
}

QString KinWizardController::avatarPrompt(const QString &name, const QString &role, const QString &character)
{
    QString prompt = QStringLiteral("A friendly avatar portrait for an AI assistant named %1, %2.").arg(name, role);
    if (!character.trimmed().isEmpty())
        prompt += QStringLiteral(" Personality: %1.").arg(character.simplified().left(300));
    prompt += QStringLiteral(" Modern flat illustration, head and shoulders, centered, soft plain background, no text, no letters.");
    return prompt;
}

void KinWizardController::drawAvatar(const ExchangePtr &ex, const QJsonObject &body, const QString &prompt, const QString &failureCode)
{
    for (const QString &key : {QStringLiteral("imageProviderId"), QStringLiteral("imageModel")}) {
        const QJsonValue v = body.value(key);
        if (!v.isUndefined() && !v.isNull() && !v.isString())
            return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_REQUEST"), QStringLiteral("%1 must be a string").arg(key)));
    }
    QString providerId = body.value(QStringLiteral("imageProviderId")).toString();
    QString model = body.value(QStringLiteral("imageModel")).toString();
    if (providerId.isEmpty() && model.isEmpty()) {
        providerId = m_settings.string(Setting::DefaultImageProviderId);
        model = m_settings.string(Setting::DefaultImageModel);
    }
    m_providers.generateImage(prompt, providerId, model, failureCode, [ex](Result<llm::GeneratedImage> image) {
        if (!image)
            return ex->fail(image.error());
        ex->send(Reply::json(QJsonObject{{QStringLiteral("base64"), QString::fromLatin1(image->data.toBase64())},
                                         {QStringLiteral("mediaType"), image->mediaType}}));
    });
}

void KinWizardController::generateAvatar(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    auto body = ex->jsonObject(true);
    if (!body)
        return ex->fail(body.error());
    const QString mode = body->value(QStringLiteral("mode")).toString(QStringLiteral("auto"));
    QString prompt;
    if (mode == QLatin1String("prompt")) {
        prompt = body->value(QStringLiteral("prompt")).toString().trimmed();
        if (prompt.isEmpty() || prompt.size() > kMaxPrompt)
            return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_PROMPT"),
                                                 QStringLiteral("prompt is required in prompt mode (at most %1 characters)").arg(kMaxPrompt)));
    } else if (mode == QLatin1String("auto")) {
        prompt = avatarPrompt(kin->name, kin->role, kin->character);
    } else {
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_REQUEST"), QStringLiteral("mode must be auto or prompt")));
    }
    drawAvatar(ex, body.value(), prompt, QStringLiteral("IMAGE_GENERATION_FAILED"));
}

void KinWizardController::previewAvatar(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString name = body->value(QStringLiteral("name")).toString().trimmed();
    const QString role = body->value(QStringLiteral("role")).toString().trimmed();
    if (name.isEmpty() || role.isEmpty() || name.size() > KinService::kMaxName || role.size() > KinService::kMaxRole)
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_REQUEST"), QStringLiteral("name and role are required")));
    drawAvatar(ex, body.value(), avatarPrompt(name, role, body->value(QStringLiteral("character")).toString()),
               QStringLiteral("AVATAR_GENERATION_FAILED"));
}

} // namespace kinbot
