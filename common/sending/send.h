// Sending an SMS/MMS from the inbox (POST /api/crm/sms/send, contract.md §4): who may be texted,
// what goes out, and the unit of work around the Twilio call. The row is written before Twilio
// is called and settled after, so a crash never loses a send, and a retry with the same
// Idempotency-Key gets the same answer without a second Twilio call.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/contacts/contact.h"
#include "common/core/config.h"
#include "common/core/language.h"
#include "common/core/segments.h"
#include "common/messages/message.h"
#include "common/messages/message_store.h"
#include "common/twilio/twilio_client.h"

namespace textus {
class Db;
class Tx;
}  // namespace textus

namespace textus::send {

inline constexpr size_t kMaxBodyCharacters = 1600;  // Twilio's limit for Body
inline constexpr size_t kMaxMedia = 10;             // Twilio's limit for MediaUrl
inline constexpr size_t kMaxMediaUrlBytes = 2048;
inline constexpr size_t kMaxIdempotencyKeyBytes = 255;
inline constexpr int kOptInRequestIntervalSeconds = 24 * 60 * 60;
// A keyed send with neither an outcome nor a SID after this long died on its way (its handler
// was killed): a retry is told the outcome is unknown instead of "in progress".
inline constexpr int kInFlightSeconds = 120;

struct Request {
    std::optional<std::string> to;  // E.164
    std::optional<int64_t> contact_id;
    std::string body;  // as typed; empty for a media-only message or an opt-in request
    std::optional<int64_t> template_id;        // instead of body: rendered for the recipient
    std::optional<std::string> template_body;  // instead of body: a campaign's, rendered so too
    std::vector<std::string> media_urls;
    // Pictures uploaded to send (POST /api/crm/sms/media), before media_urls: Twilio fetches
    // each from a signed URL of ours (common/media).
    std::vector<int64_t> media_ids;
    bool opt_in_request = false;
    // Web-to-text's first SMS with its code (common/sending/chat): the visitor asked for it on the
    // form, so it needs no consent yet, only that the number has not opted out; it always
    // carries OPT_OUT_NOTICE.
    bool code = false;
    // The language of what we add to the text (the opt-out notice): the web form's for its first
    // SMS; none, the contact's (common/core/language).
    std::optional<language::Language> language;
    // A campaign's or a scheduled send: no person looks at the conversation as it goes, so a
    // contact with a possible opt-out (common/sending/opt_out_review) is skipped.
    bool automated = false;
    std::optional<std::string> idempotency_key;
    // The writer does not call Twilio: the row is left to the worker, woken when it commits.
    bool worker_delivers = false;
    // The person replying (a signed-in person, or one whose key it is): an unassigned
    // conversation becomes theirs (conversations::claim). Not part of what the request asks for.
    std::optional<int64_t> claimant;

    // SHA-256 of what the request asks for: a key reused for another request is refused.
    std::string digest() const;
};

// The JSON body and the Idempotency-Key header ("" when absent); 400 naming the field at fault.
Request parse(const nlohmann::json& body, std::string_view idempotency_key,
              std::string_view default_region);

// An Idempotency-Key header ("" when absent: none): 400 invalid_header unless it is 1 to 255
// visible ASCII characters.
std::optional<std::string> parse_idempotency_key(std::string_view header);

// What the database knows of the recipient's number when a send is decided.
struct NumberRecord {
    std::optional<std::string> last_consent{};  // the latest "opt_in" or "opt_out" on record
    bool texted_us = false;                     // an inbound message from the number
    bool reached = false;  // a message from us that Twilio did not refuse (failed/undelivered)
    // Seconds since the contact's last opt-in request that Twilio did not refuse, if any.
    std::optional<int64_t> seconds_since_opt_in_request{};
    bool possible_opt_out = false;  // a text of the contact's waits for staff: opt-out or not
};

// What the database knows of `contact`'s number now.
NumberRecord number_record(Tx& tx, const contacts::Contact& contact);

// Throws the refusal for this send, if any: 409 opted_out (the number's last word was STOP),
// 409 possible_opt_out for an automated send while a text may be an opt-out, 429
// opt_in_request_limit with Retry-After (one opt-in request per contact per 24 hours), 403
// no_consent (neither opted in nor texted us first, and neither an opt-in request nor a code).
void check_allowed(const Request& request, const NumberRecord& number);

// The text that goes out: the body, or OPT_IN_REQUEST_TEXT for an opt-in request (503
// configuration_incomplete when it is unset), followed by "\n\n" + the opt-out notice in the
// request's language (English when it has none) when the number has never been reached, and
// always after a code. 400 body_too_long past Twilio's 1,600
// characters.
std::string outgoing_body(const Request& request, const NumberRecord& number, const Config& config);

// The one send decision: whether `contact`'s number may be texted `request`, and what goes out.
struct Decision {
    NumberRecord number;
    std::optional<HttpError> refusal{};  // check_allowed's refusal; none: it may go
    std::string body{};                  // exactly what goes (outgoing_body)
    segments::Count count{};             // its characters, segments and encoding
};

// Decides `request` for `contact` (lock the contact first when a row is to follow): what the
// database knows of the number (number_record), the rules (check_allowed: returned, not thrown,
// so that a preview can show a skip and its text), and the text (a template or template body
// rendered for the contact: 404 template_not_found, 400 empty_body; then outgoing_body: 400
// body_too_long, 503 for an opt-in request without OPT_IN_REQUEST_TEXT). Every path that
// writes or previews an outbound text calls it: staff sends, scheduled sends, campaigns, their
// previews, auto-replies and web-to-text's first SMS.
Decision decide(Tx& tx, const Request& request, const contacts::Contact& contact,
                const Config& config);

// A send ready for Twilio (its row is committed, status queued), or the stored answer of an
// earlier request with the same key.
struct Prepared {
    messages::Message message;
    bool replay = false;  // the key was used before: `message` is that send as it is now
    std::vector<std::string> chats{};  // the open web chats that see it (chat::audience)
};

// Our side of a conversation: TWILIO_PHONE_NUMBER, or the Messaging Service SID until Twilio
// names the number it chose.
std::string sender(const Config& config);

// The row of a message of `body` to `contact` from our number (or Messaging Service), sent by
// `sent_by` (a staff key's name or a signed-in person's, or "web" for a web-to-text lead's first
// SMS).
messages::Outbound outbound(const contacts::Contact& contact, const std::string& body,
                            const Config& config, const std::string& sent_by);

// How a refusal is stored ({status, code, message}) on what it refused.
nlohmann::json error_json(const HttpError& error);

// 422: an Idempotency-Key used before for another request.
HttpError idempotency_key_reused();

// A template body (common/core/template) rendered for `contact`: its names, its agent, and
// BUSINESS_NAME.
std::string render(std::string_view body, const contacts::Contact& contact, const Config& config);

// `body` rendered for `contact` (render): 400 empty_body (naming `field`) when it renders empty.
std::string render_nonempty(std::string_view body, const contacts::Contact& contact,
                            const Config& config, std::string_view field);

// Template `template_id`'s body as stored: 404 template_not_found when there is none.
std::string template_body(Tx& tx, int64_t template_id);

// The body of template `template_id` rendered for `contact` (render_nonempty): 404
// template_not_found.
std::string render_template(Tx& tx, int64_t template_id, const contacts::Contact& contact,
                            const Config& config);

// One unit of work: a replay for a known key (or its stored error thrown), otherwise the
// recipient resolved and locked (contactId: 404 when unknown; `to`: its contact, created when
// the send is allowed), the rules checked, a template rendered for the recipient (404
// template_not_found; 400 when it renders empty), and the row written: owned by the caller for
// outbox::kLeaseSeconds (it delivers it next), or by the worker (worker_delivers).
Prepared prepare(Tx& tx, const Request& request, const Config& config, const std::string& staff);

// The units of work after the Twilio call: Twilio accepted `sent`; or it refused (the row is
// failed with Twilio's code and words; 21610 also opts the number out) or its fate is unknown
// (the row stays queued for a callback or a sync to settle). Both return the row as it is now,
// and a refusal the contact it opted out, if it did.
messages::Message record_accepted(Tx& tx, int64_t message_id, const twilio::Message& sent);
struct Refusal {
    messages::Message message;
    std::optional<contacts::Contact> opted_out;  // the contact, now opted out (Twilio's 21610)
};

// What a delivery does with a create Twilio surely did not take but may take later
// (twilio_unavailable with a known fate: no connection made, or rate-limited past the retries).
enum class Unavailable {
    fails,  // the row fails: a person is waiting, sees it and may send again (staff, initiate)
    waits,  // the row stays queued, as for an unknown fate, and the outbox tries it again once
            // the lease runs out (a worker's send: a campaign message, a scheduled send, an
            // auto-reply, an opt-out confirmation; nobody is there to press Retry)
};
Refusal record_refused(Tx& tx, int64_t message_id, const twilio::TwilioError& error,
                       Unavailable unavailable);

// The MediaUrl list Twilio is given for `message`: its list in order, our uploads by a signed
// URL that works for media::kPublicUrlSeconds (media::public_url).
std::vector<std::string> twilio_media_urls(const messages::Message& message, const Config& config);

// Hands `queued` (committed, without a SID) to Twilio and records what came of it, each outcome
// in its own unit of work, then publishes the message's new state to the staff inbox and to the
// web chats `chats` (their hashes) that see it. Twilio's error is rethrown once its refusal
// is recorded; an unknown outcome (and, with Unavailable::waits, Twilio unavailable) leaves the
// row queued for the worker to look up, and send again if Twilio has none, once the lease runs
// out (common/sending/outbox). A database failure after Twilio accepted is logged, not
// thrown: the message went, and its status callbacks carry our id and store the SID.
messages::Message deliver(Db& db, const Config& config, twilio::Client& client,
                          const messages::Message& queued, const std::vector<std::string>& chats,
                          Unavailable unavailable);

// A delivery status for one of our messages (Twilio's callback, or the worker's refresh from
// Twilio) applied in its own unit of work (messages::apply_status), then published to the
// inbox and the open chats that see the message when it changed anything.
void record_status(Db& db, const Config& config, const messages::StatusUpdate& update);

// Inside the unit of work that opted `contact` out in its own words (common/consent/opt_out): the
// one confirmation, OPT_OUT_CONFIRMATION (in the contact's language) rendered for it, written for
// the worker to deliver (it goes although the number is now opted out: it was decided after the
// opt-out). Twilio confirms its own exact keywords; those get none from us.
messages::Message queue_opt_out_confirmation(Tx& tx, const contacts::Contact& contact,
                                             const Config& config);

// 201's body: {success, message, twilioMessageSid, segments, encoding}.
nlohmann::json answer(const messages::Message& message);

}  // namespace textus::send
