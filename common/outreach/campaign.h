// Bulk campaigns (issue 15): one text, rendered for each recipient, to a list of contacts or to
// those a filter picks. The recipients are resolved once, when the campaign is created, and
// `textus-admin run-due` sends to them one at a time through the one send path
// (common/sending/send), paced (common/core/pace); one that the send rules refuse is skipped with
// the reason. A sent recipient's fate is its message's: delivery callbacks move it on, and the
// progress counts read it from there.
//
// This file holds the rules, types and JSON mapping; campaign_store the SQL of staff's routes,
// campaign_queue the worker's.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/segments.h"
#include "common/http/http.h"

namespace textus {
class HttpError;
}

namespace textus::campaign {

inline constexpr size_t kMaxNameCharacters = 100;
inline constexpr size_t kMaxRecipients = 100000;
inline constexpr int kListLimit = 100;
inline constexpr int kDefaultRecipientsLimit = 50;
inline constexpr int kMaxRecipientsLimit = 500;

// Who gets it: the contacts listed, or every contact the filter matches (all of them for {}).
struct Audience {
    std::vector<int64_t> contact_ids;
    struct Filter {
        std::optional<std::string> status;
        std::vector<std::string> tags;  // a contact has every one
        std::optional<bool> opt_in;     // its smsOptIn
    };
    std::optional<Filter> filter;
};

// The filter as a campaign keeps and shows it, {status, tags, optIn}; null for a list of ids.
nlohmann::json filter_json(const Audience& audience);

// What the text is: `body`, or template `template_id`'s body (copied when the campaign is
// created). Either may hold variables (common/core/template).
struct Text {
    std::string body;
    std::optional<int64_t> template_id;
};

// POST /api/crm/sms/campaigns: {name, body | templateId, contactIds | filter, sendAt?}.
struct Write {
    std::string name;
    Text text;
    Audience audience;
    std::optional<std::string> send_at;  // UTC RFC 3339; none: now
    std::optional<std::string> idempotency_key;
    std::string digest() const;
};

// 400 naming the field at fault: a missing or overlong name; neither or both of body and
// templateId; a body with an unknown variable; neither or both of contactIds and filter; an
// id that is not one; a filter field that is not a contact's; a sendAt that is not RFC 3339.
Write parse_write(const nlohmann::json& body, std::string_view idempotency_key);

// POST /api/crm/sms/campaigns/preview: {body | templateId, contactIds | filter, contactId?}.
struct PreviewRequest {
    Text text;
    Audience audience;
    std::optional<int64_t> contact_id;  // the recipient to render it for; none: the first
};
PreviewRequest parse_preview(const nlohmann::json& body);

// What one recipient would get now. The body is the send path's: rendered, with the opt-out
// notice a first message gets; skip_reason is why the send rules would skip them now (none:
// they would get it).
struct RecipientPreview {
    int64_t contact_id = 0;
    std::string first_name;
    std::string last_name;
    std::string phone;
    std::string body;
    segments::Count count;
    std::optional<std::string> skip_reason;
};
struct Preview {
    int64_t recipients = 0;                     // how many the audience holds
    std::optional<RecipientPreview> recipient;  // none when no contact matches
};

// {contactId, firstName, lastName, phone, body, characters, segments, encoding, skipReason}
nlohmann::json to_json(const RecipientPreview& preview);

// The counts of GET /api/crm/sms/campaigns/{id}. Every recipient is in exactly one of queued
// (not yet sent), sending (handed to Twilio, no answer yet), sent (Twilio took it), delivered,
// failed and skipped. Replies and opt-outs are recipients who texted us, or opted out, after
// their campaign message.
struct Progress {
    int64_t recipients = 0, queued = 0, sending = 0, sent = 0, delivered = 0, failed = 0,
            skipped = 0;
    int64_t opted_out = 0, not_opted_in = 0, invalid_number = 0, contact_deleted = 0,
            possible_opt_out = 0, no_time_zone = 0;
    int64_t replies = 0, opt_outs = 0;
    // Of the queued, those waiting for the end of their quiet hours, and the soonest end.
    int64_t held = 0;
    std::optional<std::string> held_until;
};

struct Campaign {
    int64_t id = 0;
    std::string name;
    std::string body;
    std::optional<int64_t> template_id;
    nlohmann::json filter;  // null for a list of ids
    std::string status;     // scheduled, sending, paused, completed
    nlohmann::json paused_error;
    std::string send_at;
    std::string created_by;
    std::string created_at;
    std::optional<std::string> completed_at;
    Progress progress;
};

// {id, name, body, templateId, filter, status, pausedError, sendAt, createdBy, createdAt,
// completedAt, progress: {recipients, queued, sending, sent, delivered, failed, skipped,
// skippedReasons: {optedOut, notOptedIn, invalidNumber, contactDeleted, possibleOptOut,
// noTimeZone}, replies, optOuts, held, heldUntil}}
nlohmann::json to_json(const Campaign& c);

// GET .../campaigns/{id}/recipients?status=&after=&limit=: `status` one of Progress's buckets;
// 400 naming the parameter for a value that is not one.
struct RecipientsQuery {
    std::optional<std::string> status;  // none: every bucket
    int64_t after = 0;                  // the page starts after this recipient id
    int64_t limit = kDefaultRecipientsLimit;
};
RecipientsQuery parse_recipients_query(const Form& query);

// One of a campaign's recipients: its contact (none, and no names, once deleted), its bucket
// (`status`) and why it was skipped, its message once written, the error that failed it.
struct Recipient {
    int64_t id = 0;
    std::optional<int64_t> contact_id;
    std::string first_name;
    std::string last_name;
    std::optional<std::string> phone;
    std::string status;
    std::optional<std::string> skip_reason;
    std::optional<int64_t> message_id;
    nlohmann::json error;  // {status, code, message}, or null
};
// In order; `next` is the `after` of the next page (none: this is the last).
struct RecipientPage {
    std::vector<Recipient> recipients;
    std::optional<int64_t> next;
};

// {id, contactId, firstName, lastName, phone, status, skipReason, messageId, error}
nlohmann::json to_json(const Recipient& r);

// The skip reason for a send the rules refused ("opted_out", "possible_opt_out",
// "not_opted_in", "contact_deleted", "invalid_number"), or none when `error` is no such refusal.
std::optional<std::string_view> skip_reason(const HttpError& error);

}  // namespace textus::campaign
