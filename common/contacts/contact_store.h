// Contacts in PostgreSQL: list, find, create, update, delete, and the consent events that
// every change of SMS opt-in writes (contract.md §5).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/contacts/contact.h"

namespace textus {
class Tx;
}

namespace textus::audit {
struct Actor;
}

namespace textus::contacts {

struct Page {
    std::vector<Contact> contacts;
    int64_t total = 0;
};

// Who changes a contact, for the consent log.
struct Actor {
    std::string source;  // "staff", "web", "keyword"
    std::string detail;  // e.g. "staff key front-desk", or the consent text shown
    std::string ip;
    std::string verified_by{};  // "code": the phone confirmed a web form's opt-in; "": not asked
    std::string language{};     // a web form's ("en", "es"); "": not known
    std::string birthdate{};    // the date of birth a web form gave (YYYY-MM-DD); "": none
};

// Newest first.
Page list(Tx& tx, const ListQuery& query);
// What `query` selects (its limit and skip aside), oldest first, from the contact after id
// `after`: `limit` of them. An export reads them page by page.
std::vector<Contact> export_page(Tx& tx, const ListQuery& query, int64_t after, int limit);
std::optional<Contact> find(Tx& tx, int64_t id);
// Whether contact `id` exists, without reading it.
bool exists(Tx& tx, int64_t id);
// The contacts with these ids, in no particular order.
std::vector<Contact> find_many(Tx& tx, const std::vector<int64_t>& ids);

// The contact, locked until the unit of work ends: read it with this, decide, then update, so
// that no parallel write slips in between (a lost field, or an opt-in nobody gave).
std::optional<Contact> lock(Tx& tx, int64_t id);

// The stored contact. 409 duplicate_phone when another contact has the phone. Its consent event
// (consent_change) is recorded; it starts opted out if its number's last word was an opt-out.
Contact create(Tx& tx, const Contact& contact, const Actor& actor);
// `contact` replaces `stored`, which lock() returned in this unit of work; its consent event
// (consent_change) is recorded. 409 duplicate_phone as for create.
Contact update(Tx& tx, const Contact& stored, const Contact& contact, const Actor& actor);
// The contact with this E.164 phone, locked until the unit of work ends; none when there is none.
std::optional<Contact> lock_by_phone(Tx& tx, const std::string& phone);
// The contact with this E.164 phone, locked until the unit of work ends; created first, without
// names and with `source` ("sms": someone texted us; "staff": staff texted a new number), when
// there is none.
Contact lock_or_create_by_phone(Tx& tx, const std::string& phone, const std::string& source);

// `locked` (from lock_or_create_by_phone) with the names, email and birthdate it lacks taken
// from `lead`. Its opt-in waits for the code (record_web_consent).
Contact fill_web_lead(Tx& tx, const Contact& locked, const WebLead& lead);

// Writes the consent event `kind` ("opt_in", "opt_out", "help", "phone_changed") of contact `id`
// at `phone` by `actor`: the one writer of consent_events, for this file and
// common/consent/consent_store.
void log_consent_event(Tx& tx, int64_t id, const std::string& phone, std::string_view kind,
                       const Actor& actor);

// Many at once, for an import: the contacts with these E.164 phones, locked until the unit of
// work ends; the numbers among them whose last word was an opt-out (under any contact);
// contacts created in one statement, each starting opted out if its number's last word was an
// opt-out (as create) or its opted_out_at is set (an import's "opted out"), their ids in order (0
// for a phone another contact took meanwhile); and consent events written in one statement, with no
// audit record each (the import has one).
std::vector<Contact> lock_by_phones(Tx& tx, const std::vector<std::string>& phones);
std::set<std::string> opted_out_numbers(Tx& tx, const std::vector<std::string>& phones);
std::vector<int64_t> create_many(Tx& tx, const std::vector<Contact>& contacts);
struct ConsentEvent {
    int64_t contact_id = 0;
    std::string phone;
    std::string kind;  // opt_in, opt_out
    Actor actor;
};
void log_consent_events(Tx& tx, const std::vector<ConsentEvent>& events);

// False when there was no such contact; else in the audit log as done by `actor`. The consent
// log keeps its events (by phone).
bool remove(Tx& tx, int64_t id, const audit::Actor& actor);

}  // namespace textus::contacts
