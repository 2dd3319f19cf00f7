#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class ContactService;
class KinService;

// /api/contacts (rest.md §3.11): contacts, their identifiers, platform ids and the Kins' notes.
class ContactsController final : public QObject
{
    Q_OBJECT
public:
    ContactsController(ContactService &contacts, KinService &kins, QObject *parent = nullptr);

    void list(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);

    void replaceIdentifiers(const ExchangePtr &ex);
    void addIdentifier(const ExchangePtr &ex);
    void updateIdentifier(const ExchangePtr &ex);
    void removeIdentifier(const ExchangePtr &ex);

    void listPlatformIds(const ExchangePtr &ex);
    void addPlatformId(const ExchangePtr &ex);
    void removePlatformId(const ExchangePtr &ex);

    void setNote(const ExchangePtr &ex);
    void updateNote(const ExchangePtr &ex);
    void removeNote(const ExchangePtr &ex);

private:
    ContactService &m_contacts;
    KinService &m_kins;
};

} // namespace kinbot
