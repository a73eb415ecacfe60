#include "common/messages/message.h"

#include <charconv>
#include <regex>

#include "common/core/error.h"
#include "common/core/phone.h"
#include "common/core/text.h"

namespace textus::messages {

namespace {

using nlohmann::json;

json nullable(const std::optional<std::string>& value) {
    return value ? json(*value) : json(nullptr);
}

// The field's value ("" when absent and not `required`); 400 when a required one is missing or
// empty, or when it is too long.
std::string field(const Form& form, const std::string& name, size_t max, bool required = true) {
    const auto* value = form.get(name);
    if (!required && !value) return {};
    if (!value || (required && value->empty())) {
        throw bad_request("missing_field", name + " is required", name);
    }
    if (text::length(*value) > max) {
        throw bad_request("invalid_field",
                          name + " must be at most " + std::to_string(max) + " characters", name);
    }
    return *value;
}

std::optional<int> number(const Form& form, const std::string& name, int max) {
    const auto* value = form.get(name);
    if (!value || value->empty()) return std::nullopt;
    int out = 0;
    const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), out);
    if (error != std::errc() || end != value->data() + value->size() || out < 0 || out > max) {
        throw bad_request("invalid_field",
                          name + " must be a number from 0 to " + std::to_string(max), name);
    }
    return out;
}

std::string message_sid(const Form& form) {
    static const std::regex shape("^(SM|MM)[0-9a-f]{32}$");
    auto sid = field(form, "MessageSid", 34);
    if (!std::regex_match(sid, shape)) {
        throw bad_request("invalid_field", "MessageSid must be SM or MM and 32 hex digits",
                          "MessageSid");
    }
    return sid;
}

}  // namespace

json to_json(const Message& m) {
    // Our copies stand for Twilio's URLs, which ask for the account's credentials; a message we
    // sent keeps its own list, where our uploads are by their staff URL already.
    auto urls = json::array();
    auto media = json::array();
    bool fetched = false;
    for (const auto& item : m.media) {
        urls.push_back(media::staff_url(item.id));
        media.push_back(media::to_json(item));
        fetched = fetched || item.fetched;
    }
    if (!fetched) urls = m.media_urls;
    return {{"id", m.id},
            {"sid", nullable(m.sid)},
            {"contactId", m.contact_id ? json(*m.contact_id) : json(nullptr)},
            {"direction", m.direction},
            {"channel", m.channel},
            {"from", m.from},
            {"to", m.to},
            {"body", m.body},
            {"mediaUrls", urls},
            {"media", media},
            {"status", m.status},
            {"errorCode", m.error_code ? json(*m.error_code) : json(nullptr)},
            {"errorMessage", nullable(m.error_message)},
            {"segments", m.segments ? json(*m.segments) : json(nullptr)},
            {"price", nullable(m.price)},
            {"priceUnit", nullable(m.price_unit)},
            {"sentBy", nullable(m.sent_by)},
            {"createdAt", m.created_at},
            {"deliveredAt", nullable(m.delivered_at)},
            {"readAt", nullable(m.read_at)}};
}

Inbound parse_inbound(const Form& form) {
    Inbound in;
    in.sid = message_sid(form);
    in.from = field(form, "From", 64);
    in.to = field(form, "To", 64);
    // Twilio joins a long SMS before posting it: at most 1600 characters.
    in.body = field(form, "Body", 1600, false);
    in.segments = number(form, "NumSegments", 100);
    // A mistake in the media fields must not cost the text (Twilio never posts it again after
    // our answer): what is wrong is recorded on the message, and the good media kept.
    std::vector<std::string> problems;
    int media = 0;
    try {
        media = number(form, "NumMedia", 10).value_or(0);
    } catch (const HttpError& error) {
        problems.emplace_back(error.what());
    }
    for (int i = 0; i < media; ++i) {
        const auto name = "MediaUrl" + std::to_string(i);
        const auto* url = form.get(name);
        if (!url || url->empty()) {
            problems.push_back(name + " is missing");
            continue;
        }
        const bool is_url = url->starts_with("https://") || url->starts_with("http://");
        if (!is_url || url->size() > kMaxInboundMediaUrlBytes || text::has_control(*url, false)) {
            problems.push_back(name + " is not a URL of at most " +
                               std::to_string(kMaxInboundMediaUrlBytes) + " bytes");
            continue;
        }
        const auto* type = form.get("MediaContentType" + std::to_string(i));
        const bool type_ok = type && type->size() <= 100 && !text::has_control(*type, false);
        if (!type_ok) problems.push_back("MediaContentType" + std::to_string(i) + " is unusable");
        in.media_urls.push_back(*url);
        in.media_types.push_back(type_ok ? *type : "");
    }
    if (!problems.empty()) {
        std::string joined = "Media not stored: ";
        for (size_t i = 0; i < problems.size(); ++i) joined += (i ? "; " : "") + problems[i];
        in.media_problem = joined;
    }
    return in;
}

StatusUpdate parse_status(const Form& form, const Form& query) {
    StatusUpdate update;
    if (const auto* id = query.get("id")) {
        int64_t value = 0;
        const auto [end, error] = std::from_chars(id->data(), id->data() + id->size(), value);
        if (error != std::errc() || end != id->data() + id->size() || value <= 0) {
            throw bad_request("invalid_query", "id must be a message id", "id");
        }
        update.message_id = value;
    }
    update.sid = message_sid(form);
    update.status = field(form, "MessageStatus", 32);
    update.error_code = number(form, "ErrorCode", 99999);
    if (const auto* message = form.get("ErrorMessage"); message && !message->empty()) {
        update.error_message = field(form, "ErrorMessage", 1000);
    }
    return update;
}

MessageQuery parse_message_query(const Form& query, std::string_view default_region) {
    MessageQuery out;
    if (const auto id = query_integer(query, "contactId", 1, INT64_MAX, 0)) out.contact_id = id;
    if (const auto before = query_integer(query, "before", 1, INT64_MAX, 0)) out.before = before;
    out.limit = static_cast<int>(query_integer(query, "limit", 1, kMaxPage, kDefaultPage));
    if (const auto* given = query.get("phoneNumber"); given && !given->empty()) {
        const auto trimmed = text::trim(*given);
        if (text::length(trimmed) > 64 || text::has_control(trimmed, false)) {
            throw bad_request("invalid_query", "phoneNumber must be a phone number or sender",
                              "phoneNumber");
        }
        // Short codes and alphanumeric senders are stored as given.
        out.phone = phone::parse(trimmed, default_region).e164.value_or(trimmed);
    }
    if (const auto* direction = query.get("direction"); direction && !direction->empty()) {
        if (*direction != "inbound" && *direction != "outbound") {
            throw bad_request("invalid_query", "direction must be inbound or outbound",
                              "direction");
        }
        out.direction = *direction;
    }
    return out;
}

}  // namespace textus::messages
