#include "common/outreach/campaign.h"

#include <algorithm>

#include "common/contacts/contact.h"
#include "common/core/crypto.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/template.h"
#include "common/sending/send.h"

namespace textus::campaign {

namespace {

using nlohmann::json;

HttpError invalid(const std::string& field, const std::string& why) {
    return bad_request("invalid_field", field + " " + why, field);
}

Text parse_text(const json& body) {
    Text text;
    const auto has = [&](const char* name) {
        const auto it = body.find(name);
        return it != body.end() && !it->is_null();
    };
    const bool has_body = has("body");
    if (has_body == has("templateId")) {
        if (has_body) throw invalid("templateId", "goes without body: give one of them");
        throw bad_request("missing_field", "body or templateId is required", "body");
    }
    if (has_body) {
        text.body =
            fields::required_text(body, "body", send::kMaxBodyCharacters, fields::Lines::many);
        templates::variables(text.body);
    } else {
        text.template_id = fields::id(body["templateId"], "templateId", "a template's id");
    }
    return text;
}

Audience parse_audience(const json& body) {
    Audience audience;
    const auto ids = body.find("contactIds");
    const auto filter = body.find("filter");
    const bool has_ids = ids != body.end() && !ids->is_null();
    const bool has_filter = filter != body.end() && !filter->is_null();
    if (has_ids == has_filter) {
        if (has_ids) throw invalid("filter", "goes without contactIds: give one of them");
        throw bad_request("missing_field", "contactIds or filter is required", "contactIds");
    }
    if (has_ids) {
        if (!ids->is_array() || ids->empty() || ids->size() > kMaxRecipients) {
            throw invalid("contactIds", "must be a list of 1 to " + std::to_string(kMaxRecipients) +
                                            " contact ids");
        }
        for (const auto& id : *ids) {
            if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
                throw invalid("contactIds", "must hold contact ids only");
            }
            audience.contact_ids.push_back(id.get<int64_t>());
        }
        std::sort(audience.contact_ids.begin(), audience.contact_ids.end());
        audience.contact_ids.erase(
            std::unique(audience.contact_ids.begin(), audience.contact_ids.end()),
            audience.contact_ids.end());
        return audience;
    }
    if (!filter->is_object()) throw invalid("filter", "must be an object");
    Audience::Filter f;
    for (const auto& [key, value] : filter->items()) {
        if (value.is_null()) continue;
        if (key == "status") {
            f.status = contacts::parse_status(value, "filter.status");
        } else if (key == "tags") {
            f.tags = contacts::parse_tags(value, "filter.tags");
        } else if (key == "optIn") {
            if (!value.is_boolean()) throw invalid("filter.optIn", "must be true or false");
            f.opt_in = value.get<bool>();
        } else {
            throw invalid("filter." + key, "is not a filter: use status, tags or optIn");
        }
    }
    audience.filter = f;
    return audience;
}

constexpr std::string_view kBuckets[] = {"queued",    "sending", "sent",
                                         "delivered", "failed",  "skipped"};

}  // namespace

json filter_json(const Audience& audience) {
    if (!audience.filter) return nullptr;
    const auto& f = *audience.filter;
    return {{"status", f.status ? json(*f.status) : json(nullptr)},
            {"tags", f.tags},
            {"optIn", f.opt_in ? json(*f.opt_in) : json(nullptr)}};
}

std::string Write::digest() const {
    const json canonical = {
        {"name", name},
        {"body", text.body},
        {"templateId", text.template_id ? json(*text.template_id) : json(nullptr)},
        {"contactIds", audience.filter ? json(nullptr) : json(audience.contact_ids)},
        {"filter", filter_json(audience)},
        {"sendAt", send_at ? json(*send_at) : json(nullptr)}};
    return crypto::sha256_hex(canonical.dump());
}

Write parse_write(const json& body, std::string_view idempotency_key) {
    Write write;
    write.name = fields::required_text(body, "name", kMaxNameCharacters);
    write.text = parse_text(body);
    write.audience = parse_audience(body);
    if (const auto it = body.find("sendAt"); it != body.end()) {
        write.send_at = fields::timestamp(*it, "sendAt");
    }
    write.idempotency_key = send::parse_idempotency_key(idempotency_key);
    return write;
}

PreviewRequest parse_preview(const json& body) {
    PreviewRequest request;
    request.text = parse_text(body);
    request.audience = parse_audience(body);
    if (const auto it = body.find("contactId"); it != body.end() && !it->is_null()) {
        request.contact_id = fields::id(*it, "contactId", "a contact's id");
    }
    return request;
}

json to_json(const RecipientPreview& preview) {
    return {{"contactId", preview.contact_id},
            {"firstName", preview.first_name},
            {"lastName", preview.last_name},
            {"phone", preview.phone},
            {"body", preview.body},
            {"characters", preview.count.characters},
            {"segments", preview.count.segments},
            {"encoding", preview.count.encoding},
            {"skipReason", preview.skip_reason ? json(*preview.skip_reason) : json(nullptr)}};
}

json to_json(const Campaign& c) {
    const auto& p = c.progress;
    return {{"id", c.id},
            {"name", c.name},
            {"body", c.body},
            {"templateId", c.template_id ? json(*c.template_id) : json(nullptr)},
            {"filter", c.filter},
            {"status", c.status},
            {"pausedError", c.paused_error},
            {"sendAt", c.send_at},
            {"createdBy", c.created_by},
            {"createdAt", c.created_at},
            {"completedAt", c.completed_at ? json(*c.completed_at) : json(nullptr)},
            {"progress",
             {{"recipients", p.recipients},
              {"queued", p.queued},
              {"sending", p.sending},
              {"sent", p.sent},
              {"delivered", p.delivered},
              {"failed", p.failed},
              {"skipped", p.skipped},
              {"skippedReasons",
               {{"optedOut", p.opted_out},
                {"notOptedIn", p.not_opted_in},
                {"invalidNumber", p.invalid_number},
                {"contactDeleted", p.contact_deleted},
                {"possibleOptOut", p.possible_opt_out},
                {"noTimeZone", p.no_time_zone}}},
              {"replies", p.replies},
              {"optOuts", p.opt_outs},
              {"held", p.held},
              {"heldUntil", p.held_until ? json(*p.held_until) : json(nullptr)}}}};
}

RecipientsQuery parse_recipients_query(const Form& query) {
    RecipientsQuery out;
    if (const auto* status = query.get("status"); status && !status->empty()) {
        if (std::find(std::begin(kBuckets), std::end(kBuckets), *status) == std::end(kBuckets)) {
            throw bad_request("invalid_parameter",
                              "status must be queued, sending, sent, delivered, failed or skipped",
                              "status");
        }
        out.status = *status;
    }
    out.after = query_integer(query, "after", 0, INT64_MAX, 0);
    out.limit = query_integer(query, "limit", 1, kMaxRecipientsLimit, kDefaultRecipientsLimit);
    return out;
}

json to_json(const Recipient& r) {
    return {{"id", r.id},
            {"contactId", r.contact_id ? json(*r.contact_id) : json(nullptr)},
            {"firstName", r.first_name},
            {"lastName", r.last_name},
            {"phone", r.phone ? json(*r.phone) : json(nullptr)},
            {"status", r.status},
            {"skipReason", r.skip_reason ? json(*r.skip_reason) : json(nullptr)},
            {"messageId", r.message_id ? json(*r.message_id) : json(nullptr)},
            {"error", r.error}};
}

std::optional<std::string_view> skip_reason(const HttpError& error) {
    if (error.code == "opted_out") return "opted_out";
    if (error.code == "possible_opt_out") return "possible_opt_out";
    if (error.code == "no_consent") return "not_opted_in";
    if (error.code == "not_found") return "contact_deleted";
    if (error.code == "invalid_phone") return "invalid_number";
    return std::nullopt;
}

}  // namespace textus::campaign
