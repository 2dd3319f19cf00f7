#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace kinbot {

// What the engine asks the memory, knowledge and compacting domains before a turn: the message being answered.
struct TurnContextRequest
{
    QString kinId;
    QString sessionId;  // quick session id; "" = main conversation
    bool quick = false;
    QString query;      // the text of the message being answered
    QString messageId;  // its stored row
    QString messageType;     // the queue item's: user | channel | kin_request | kin_reply | task_result …
    QString sourceType;      // user | kin | task | channel | webhook | cron | system
    QString sourceId;        // the user, Kin, task or channel behind it
    QString channelOriginId; // the channel message this turn descends from ("" = none)
};

// One domain's contribution to the turn's system prompt (blocks rendered whole; "" = none).
struct TurnContextPart
{
    QString memoryBlock;
    QString knowledgeBlock;
    QString summariesBlock;
    QString contactsBlock;      // "## Known contacts"
    QString channelsBlock;      // "## External channels"
    QString speakerNotes;       // lines added under "## Current speaker" (what the Kin knows of the speaker)
    QString channelOriginBlock; // "## Channel origin context" (a follow-up turn whose answer goes to a channel)
    int compactedMessages = 0;
    QStringList injectedMemoryIds; // stored in the assistant row's metadata (injectedMemories)
};

// Asked before each turn; answers exactly once through done, now or later (after an embedding call). `context` is the
// engine: work bound to it is dropped when it goes away. A provider that fails answers an empty part (the turn goes on).
using TurnContextProvider = std::function<void(const TurnContextRequest &request, QObject *context,
                                               std::function<void(TurnContextPart)> done)>;

} // namespace kinbot
