// Bulk campaigns (issue 15): one text, rendered for each recipient, to a list of contacts or to
// those a filter picks. The recipients are resolved once, when the campaign is created, and
// `textus-admin run-due` sends to them one at a time through the one send path
// (common/sending/send), paced (common/core/pace); one that the send rules refuse is skipped with
// the reason. A sent recipient's fate is its message's: delivery callbacks move it on, and the
// progress counts read it from there.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/config.h"
#include "common/http/http.h"

namespace textus {
class Tx;
class HttpError;
}  // namespace textus

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

// One unit of work: the recipients resolved and stored with the campaign. 404
// template_not_found; 400 invalid_field naming ids of no contact (contactIds); 400
// no_recipients or too_many_recipients (over kMaxRecipients); 400 invalid_field (sendAt) unless
// it is now or later and at most a year ahead. The same Idempotency-Key answers the same
// campaign (422 when it was used for another).
Campaign create(Tx& tx, const Write& write, const std::string& staff_key);

// The list's progress counts are reused for this long after they were computed (a completed
// campaign's, which move only with late replies and statuses, for longer): counting reads every
// recipient of every campaign listed. find() always counts afresh.
inline constexpr int kListProgressSeconds = 5;
inline constexpr int kCompletedProgressSeconds = 300;

// Newest first, at most kListLimit, with progress at most kListProgressSeconds old
// (kCompletedProgressSeconds for a completed campaign).
std::vector<Campaign> list(Tx& tx);
std::optional<Campaign> find(Tx& tx, int64_t id);

// Paused: no more of it goes until it is resumed. Either is idempotent; 404 for no campaign,
// 409 campaign_completed once every recipient has had its turn.
Campaign pause(Tx& tx, int64_t id);
Campaign resume(Tx& tx, int64_t id);

// What one recipient would get now: {recipients, preview: {contactId, firstName, lastName,
// phone, body, characters, segments, encoding, skipReason}} (preview null when no contact
// matches). The body is the send path's: rendered, with the opt-out notice a first message
// gets; skipReason is why the send rules would skip them now (null: they would get it).
nlohmann::json preview(Tx& tx, const PreviewRequest& request, const Config& config);

// GET .../campaigns/{id}/recipients?status=&after=&limit=: in order, each {id, contactId,
// firstName, lastName, phone, status, skipReason, messageId, error}; `status` one of Progress's
// buckets. {recipients, next (the `after` of the next page, or null)}. 404 for no campaign.
nlohmann::json recipients(Tx& tx, int64_t id, const Form& query);

// {id, name, body, templateId, filter, status, pausedError, sendAt, createdBy, createdAt,
// completedAt, progress: {recipients, queued, sending, sent, delivered, failed, skipped,
// skippedReasons: {optedOut, notOptedIn, invalidNumber, contactDeleted}, replies, optOuts,
// held, heldUntil}}
nlohmann::json to_json(const Campaign& c);

// The worker's steps (common/outreach/worker), inside the caller's unit of work.

// The next recipient whose turn has come (its campaign active and due, soonest campaign
// first), locked; those another worker holds are skipped, not waited for.
struct Turn {
    int64_t recipient_id = 0;
    int64_t campaign_id = 0;
    std::optional<int64_t> contact_id;  // none: the contact was deleted
    std::string phone;
    std::string body;
    std::string created_by;
};
std::optional<Turn> claim(Tx& tx);

// The recipient held until `until` (quiet hours); its message committed (sending); skipped
// for `reason`; refused for another reason, before Twilio (failed, with the error). Skipped and
// failed are false when it was no longer pending: another sender, deciding the same, was first.
void hold(Tx& tx, int64_t recipient_id, const std::string& until);
void mark_sending(Tx& tx, int64_t recipient_id, int64_t message_id);
bool skip(Tx& tx, int64_t recipient_id, std::string_view reason);
bool fail(Tx& tx, int64_t recipient_id, const nlohmann::json& error);

// The skip reason for a send the rules refused ("opted_out", "not_opted_in",
// "contact_deleted"), or none when `error` is no such refusal.
std::optional<std::string_view> skip_reason(const HttpError& error);

// Paused by the worker: Twilio is unreachable or refuses our credentials, so sending on
// would only fail every recipient. Staff resume it.
void pause_for_error(Tx& tx, int64_t campaign_id, const nlohmann::json& error);

// Active campaigns with no recipient left to send to, now completed: their ids.
std::vector<int64_t> complete_finished(Tx& tx);

}  // namespace textus::campaign
