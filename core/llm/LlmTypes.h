#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// Provider-neutral types of the conversation engine's LLM layer. Every client (OpenAI-compatible Chat Completions,
// Anthropic Messages, Gemini, native Ollama) maps these to and from its own wire format.
namespace kinbot::llm {

struct ToolCall
{
    QString id;        // provider-issued id (generated when the provider has none, e.g. Gemini/Ollama)
    QString name;
    QJsonObject args;  // parsed arguments; {} when the model sent none or invalid JSON (see argsError)
    QString argsError; // non-empty when the model's argument JSON did not parse
};

struct ImagePart
{
    QString mimeType;  // image/png, image/jpeg, …
    QByteArray data;   // raw bytes (clients base64 them as their API wants)
};

struct ChatMessage
{
    enum class Role { User, Assistant, Tool };
    Role role = Role::User;
    QString content;            // text (may be empty for an assistant turn that only calls tools)
    QList<ImagePart> images;    // user turns only
    QList<ToolCall> toolCalls;  // assistant turns
    QString toolCallId;         // tool turns: the call this result answers
    QString toolName;           // tool turns
};

struct ToolSpec
{
    QString name;
    QString description;
    QJsonObject parameters;     // JSON Schema of the arguments (type: object)
};

struct ChatRequest
{
    QString model;
    QString system;             // the system prompt (sent the way each API expects)
    QList<ChatMessage> messages;
    QList<ToolSpec> tools;
    int maxOutputTokens = 0;    // 0 = provider default (Anthropic requires one: clients pick a sane default)
    double temperature = -1;    // < 0 = provider default
};

struct Usage
{
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

struct ChatResult
{
    QString text;               // all text of this step
    QList<ToolCall> toolCalls;  // tool calls of this step, in order
    QString finishReason;       // normalised: "stop" | "tool_calls" | "length" | "content_filter" | "other"
    Usage usage;
};

struct LlmError
{
    enum class Kind {
        Network,        // connection refused, reset, DNS, TLS
        Timeout,        // no first byte / idle stream past the limit
        RateLimited,    // 429 after the retries
        Auth,           // 401/403
        BadRequest,     // other 4xx
        ContextTooLong, // the provider said the prompt exceeds the context window
        Server,         // 5xx after the retries
        Protocol,       // malformed stream/body, or the stream ended without a finish marker
        Cancelled,      // cancel() was called
    };
    Kind kind = Kind::Network;
    int httpStatus = 0;
    QString message;            // human-readable, includes the provider's own error message when there is one
};

struct ModelInfo
{
    QString id;
    QString name;
    QString capability;         // "llm" | "embedding" | "image" | "rerank"
    bool supportsImageInput = false;
};

// A built-in provider type (engine.md §3.2): what the providers API lists under /api/providers/types.
struct ProviderType
{
    QString type;               // "openai", "anthropic", "gemini", "ollama", "openrouter", "groq", …
    QString displayName;
    QStringList capabilities;   // static capability list of the type
    QString apiStyle;           // "openai" (Chat Completions) | "anthropic" | "gemini" | "ollama"
    QString defaultBaseUrl;
    bool noApiKey = false;
    QString apiKeyUrl;
};

struct ProviderConfig
{
    QString type;
    QString apiKey;
    QString baseUrl;            // empty = the type's default
};

// Retry and time limits of one client. Retries apply only before the first streamed byte reached the caller.
struct ClientLimits
{
    int maxRetries = 2;              // on 429 and 5xx (and connection errors); honours Retry-After up to maxBackoffMs
    int initialBackoffMs = 500;      // doubled per retry, with jitter
    int maxBackoffMs = 8000;
    int firstByteTimeoutMs = 120000; // request sent → first response byte
    int idleTimeoutMs = 120000;      // between two stream chunks
};

} // namespace kinbot::llm
