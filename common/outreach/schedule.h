// Scheduled sends (issue 15): POST /api/crm/sms/send with `sendAt` keeps the request until its
// time; `textus-admin run-due` then sends it through the one send path (common/sending/send), as if
// staff sent it then: the consent rules are checked again, a template is rendered with the
// contact's names as they are then, and the Idempotency-Key "scheduled-<id>" means that two
// workers, or a worker killed and run again, never send it twice.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/config.h"
#include "common/http/http.h"
#include "common/sending/send.h"

namespace textus {
class Db;
class Tx;
}  // namespace textus

namespace textus::schedule {

struct Scheduled {
    int64_t id = 0;
    int64_t contact_id = 0;
    std::string body;
    std::optional<int64_t> template_id;
    std::vector<std::string> media_urls;
    std::string send_at;
    std::string status;  // scheduled, sending, sent, failed, canceled
    std::optional<int64_t> message_id;
    nlohmann::json error;  // {status, code, message} when it failed
    std::string created_by;
    std::string created_at;
};

// `sendAt` of a send's body, normalised to UTC; none when it is absent or null. 400
// invalid_field unless it is an RFC 3339 time.
std::optional<std::string> parse_send_at(const nlohmann::json& body);

// One unit of work: `request` decided as a send now would be (the recipient found, the consent
// rules, a template that renders) and kept for `send_at`; 400 invalid_field (sendAt) unless it
// is in the future and at most a year ahead, or for an opt-in request. The same Idempotency-Key
// answers the same scheduled send (422 when it was used for another request).
Scheduled create(Tx& tx, const send::Request& request, const std::string& send_at,
                 const Config& config, const std::string& staff_key);

// GET /api/crm/sms/scheduled's `status` filter: none, or one of the statuses (400 otherwise).
std::optional<std::string> parse_status_filter(const Form& query);

// Soonest first (at most 1,000); only those of `status` when it is given.
std::vector<Scheduled> list(Tx& tx, const std::optional<std::string>& status);

// The scheduled send, canceled: 404 when there is none, 409 not_cancelable once it is being
// sent, sent, failed or canceled.
Scheduled cancel(Tx& tx, int64_t id);

// The worker's steps (common/outreach/worker), each inside the caller's unit of work: the next
// due send (or one whose worker's claim ran out), marked sending and claimed for
// `claim_seconds`, skipping those another worker holds; its recipient's phone; back to
// scheduled for `until` (quiet hours); its outcome, sent or failed, with its message and error.
std::optional<Scheduled> claim_due(Tx& tx, int claim_seconds);
std::string recipient_phone(Tx& tx, const Scheduled& s);
void hold(Tx& tx, int64_t id, const std::string& until);
void finish(Tx& tx, int64_t id, const std::string& status, std::optional<int64_t> message_id,
            const nlohmann::json& error);

// {id, contactId, body, templateId, mediaUrls, sendAt, status, messageId, error, createdBy,
// createdAt}
nlohmann::json to_json(const Scheduled& s);

}  // namespace textus::schedule
