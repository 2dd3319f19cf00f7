#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class KinService;
class KnowledgeService;

// /api/kins/:kinId/knowledge (rest.md §3.5). The Kin is given by id or slug (the reference takes the raw id only).
// POST takes JSON {name, type, content?, sourceUrl?, originalFilename?, mimeType?} or a multipart upload (file + name).
class KnowledgeController final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxNameLength = 200;

    KnowledgeController(KnowledgeService &knowledge, KinService &kins, QObject *parent = nullptr);

    void list(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void search(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void reprocess(const ExchangePtr &ex);

private:
    void createFromForm(const ExchangePtr &ex, const QString &kinId);
    void createFromJson(const ExchangePtr &ex, const QString &kinId);

    KnowledgeService &m_knowledge;
    KinService &m_kins;
};

} // namespace kinbot
