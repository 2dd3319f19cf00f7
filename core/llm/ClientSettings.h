#pragma once

#include "llm/LlmTypes.h"

namespace kinbot::llm {

// What every concrete client is built from: makeClient() resolves the type's defaults into this.
struct ClientSettings
{
    QString type;     // the provider type ("openai", "groq", …), for per-type wire quirks
    QString baseUrl;  // without trailing '/'
    QString apiKey;   // may be empty for keyless types (Ollama, LM Studio)
    ClientLimits limits;
};

// The settings of a client of `type` for `config`: the type's default base URL when none is configured, trailing '/'
// removed, key trimmed.
ClientSettings resolveClientSettings(const ProviderType &type, const ProviderConfig &config, const ClientLimits &limits);

} // namespace kinbot::llm
