// Scheduled sends (issue 15; the rows: common/outreach/schedule_store): POST /api/crm/sms/send with
// `sendAt` keeps the request until its time; `textus-admin run-due` then sends it through the one
// send path (common/sending/send), as if staff sent it then: the consent rules are checked again, a
// template is rendered with the contact's names as they are then, and the Idempotency-Key
// "scheduled-<id>" means that two workers, or a worker killed and run again, never send it twice.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/http/http.h"

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

// GET /api/crm/sms/scheduled's `status` filter: none, or one of the statuses (400 otherwise).
std::optional<std::string> parse_status_filter(const Form& query);

// {id, contactId, body, templateId, mediaUrls, sendAt, status, messageId, error, createdBy,
// createdAt}
nlohmann::json to_json(const Scheduled& s);

}  // namespace textus::schedule
