#pragma once

#include "auth/Principal.h"
#include "util/Result.h"

namespace kinbot {

class ApiKeyService;
class Exchange;
class SessionStore;

// Resolves the caller of a request: an API key (X-API-Key, or Authorization: Bearer kb_...) first, else the session
// cookie. A presented but unknown API key is a 401 INVALID_API_KEY; a bad or expired cookie is simply no session.
// When a session was extended, the refreshed cookie is added to the response.
class AuthGuard final
{
public:
    AuthGuard(SessionStore &sessions, ApiKeyService &apiKeys) : m_sessions(sessions), m_apiKeys(apiKeys) {}
    Result<Principal> authenticate(Exchange &ex) const;

private:
    SessionStore &m_sessions;
    ApiKeyService &m_apiKeys;
};

} // namespace kinbot
