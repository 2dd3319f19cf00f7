#pragma once

#include "http/Route.h"
#include "util/Result.h"

#include <QStringList>

#include <functional>

namespace kinbot {

class Clock;
class ConversationEngine;
class EventBus;
class KinService;
class MessageStore;
class QuickSessionStore;
class UploadStore;
struct QuickSession;

// Quick sessions: /api/kins/:kinId/quick-sessions (list, create) and /api/quick-sessions/:id (get, send, stop, close).
class QuickSessionsController final
{
public:
    static constexpr int kMaxContent = 100000;
    static constexpr int kMaxSummary = 5000;

    QuickSessionsController(KinService &kins, QuickSessionStore &sessions, MessageStore &messages, ConversationEngine &engine,
                            EventBus &bus, const Clock &clock, UploadStore &uploads);

    // Stores a closing summary as a Kin memory (the memory issue supplies it) → error text or empty.
    using MemorySaver = std::function<Status(const QString &kinId, const QString &subject, const QString &content)>;
    void setMemorySaver(MemorySaver saver) { m_saveMemory = std::move(saver); }

    void list(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void send(const ExchangePtr &ex);
    void stop(const ExchangePtr &ex);
    void close(const ExchangePtr &ex);

    // Closes expired sessions (quick-session:closed each) and drops old closed ones; run by a timer.
    void sweep();

private:
    // The caller's own session: 404 SESSION_NOT_FOUND, 403 FORBIDDEN.
    Result<QuickSession> owned(const ExchangePtr &ex) const;

    KinService &m_kins;
    QuickSessionStore &m_sessions;
    MessageStore &m_messages;
    ConversationEngine &m_engine;
    EventBus &m_bus;
    const Clock &m_clock;
    UploadStore &m_uploads;
    MemorySaver m_saveMemory;
};

} // namespace kinbot
