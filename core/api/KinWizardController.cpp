#include "api/KinWizardController.h"

#include "engine/OneShotCompletion.h"
#include "engine/ToolRegistry.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"
#include "util/Json.h"

#include <QJsonArray>
#include <QSet>

namespace kinbot {

KinWizardController::KinWizardController(ProviderService &providers, SettingsStore &settings, ToolRegistry &tools, QObject *parent)
    : QObject(parent), m_providers(providers), m_settings(settings), m_tools(tools)
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

} // namespace kinbot
