#include "common/outreach/schedule.h"

#include "common/core/error.h"
#include "common/core/fields.h"

namespace textus::schedule {

using nlohmann::json;

std::optional<std::string> parse_send_at(const json& body) {
    const auto it = body.find("sendAt");
    if (it == body.end()) return std::nullopt;
    return fields::timestamp(*it, "sendAt");
}

std::optional<std::string> parse_status_filter(const Form& query) {
    const auto* status = query.get("status");
    if (!status || status->empty()) return std::nullopt;
    for (const auto* known : {"scheduled", "sending", "sent", "failed", "canceled"}) {
        if (*status == known) return *status;
    }
    throw bad_request("invalid_parameter",
                      "status must be scheduled, sending, sent, failed or canceled", "status");
}

json to_json(const Scheduled& s) {
    return {{"id", s.id},
            {"contactId", s.contact_id},
            {"body", s.body},
            {"templateId", s.template_id ? json(*s.template_id) : json(nullptr)},
            {"mediaUrls", s.media_urls},
            {"sendAt", s.send_at},
            {"status", s.status},
            {"messageId", s.message_id ? json(*s.message_id) : json(nullptr)},
            {"error", s.error},
            {"createdBy", s.created_by},
            {"createdAt", s.created_at}};
}

}  // namespace textus::schedule
