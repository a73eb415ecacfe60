// Twilio's REST API for messages (API version 2010-04-01, ../shared/twilio-oai): create, fetch
// and list Message resources and read a message's media, through common/http/http_client.h (TLS for
// https://api.twilio.com, plain HTTP for the simulator), whose rule keeps a create from being
// sent twice, and Twilio's error answers mapped to contract.md §4's statuses (docs/decisions.md,
// Twilio client and simulator).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/config.h"
#include "common/core/error.h"
#include "common/http/http_client.h"

namespace textus::twilio {

inline constexpr std::string_view kApiVersion = "2010-04-01";
inline constexpr int kMaxPageSize = 1000;  // Twilio's PageSize maximum

// The client's clock: the outbound client's (connect 5 s, read 10 s, 3 attempts); tests
// shorten it.
using Timing = http_client::Timing;

// What the app uses of Twilio's Message resource. Twilio's nulls become "" (0 for numbers).
struct Message {
    std::string sid;  // SM... or MM... (MMS)
    std::string to;
    std::string from;  // E.164, a short code or an alphanumeric sender, as Twilio gives it
    std::string body;
    std::string status;     // Twilio's word: queued, sent, delivered, received...
    std::string direction;  // inbound, outbound-api, outbound-call or outbound-reply
    int num_segments = 0;
    int num_media = 0;  // its media: Client::media
    int error_code = 0;
    std::string error_message;
    std::string price;  // a decimal string as Twilio gives it, e.g. "-0.00750"
    std::string price_unit;
    // RFC 2822 as Twilio gives them ("Fri, 24 May 2019 17:18:27 +0000"); to_rfc3339 converts.
    std::string date_created;
    std::string date_sent;
    std::string date_updated;

    bool inbound() const { return direction == "inbound"; }
};

// Twilio's message JSON as a Message. Lenient on types (num_segments is a string in the spec).
Message parse_message(const nlohmann::json& resource);

// "Fri, 24 May 2019 17:18:27 +0000" -> "2019-05-24T17:18:27Z": RFC 2822 (day name optional,
// seconds optional, a numeric offset or GMT/UT/UTC) as RFC 3339 in UTC. nullopt for "" or
// anything else, and outside years 0001-9999.
std::optional<std::string> to_rfc3339(std::string_view rfc2822);

// True for a Message SID: SM or MM and 32 hex digits. A route checks a SID it was given before
// it reaches the client, which refuses any other (std::invalid_argument: a bug).
bool valid_message_sid(std::string_view sid);

// Every failure of a Twilio call. `status` and `code` are what our caller answers (contract.md §4);
// the what() text is ours and holds nothing personal, since 5xx errors are logged.
class TwilioError : public HttpError {
  public:
    TwilioError(int status, std::string code, std::string message, int twilio_code = 0,
                std::string twilio_message = {}, bool outcome_unknown = false)
        : HttpError(status, std::move(code), std::move(message)),
          twilio_code(twilio_code),
          twilio_message(std::move(twilio_message)),
          outcome_unknown(outcome_unknown) {}

    int twilio_code;  // Twilio's numeric error code (21610: the recipient replied STOP); 0: none
    // Twilio's own words, for the message row; they may quote a phone number: never logged.
    std::string twilio_message;
    // A create that may have reached Twilio without our learning its fate (a 5xx, no answer, or
    // an answer we could not read): the message may exist. The caller keeps its row as unknown.
    bool outcome_unknown;
};

// The error for Twilio's final answer `http_status` with `body` (Twilio's error JSON: code,
// message, more_info, status; anything else is read as no code): 21211/21614 -> 422
// invalid_phone, 21610 -> 409 opted_out, 20003 or HTTP 401 -> 502 twilio_auth, 20404 or HTTP
// 404 -> 404 not_found, 429 and 5xx (once retries are spent) -> 502 twilio_unavailable, any
// other refusal -> 502 twilio_error.
TwilioError error_from_answer(int http_status, std::string_view body);

// "/2010-04-01/Accounts/{AccountSid}/Messages.json"
std::string messages_path(std::string_view account_sid);
// "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
std::string message_path(std::string_view account_sid, std::string_view message_sid);

// `TWILIO_API_BASE` as cpp-httplib takes it: scheme, host and optional port, a trailing "/"
// dropped; nullopt when it has a path, query or anything else.
std::optional<std::string> normalize_api_base(std::string_view api_base);

// PUBLIC_BASE_URL + "/api/twilio/status" (a trailing "/" of the base dropped).
std::string status_callback_url(std::string_view public_base_url);

struct Outgoing {
    std::string to{};  // E.164
    std::string body{};
    std::vector<std::string> media_urls{};
    // Where Twilio posts delivery statuses; empty: status_callback_url(PUBLIC_BASE_URL). The
    // send route adds its row id as a query (contract.md §8), which Twilio's signature covers.
    std::string status_callback{};
};

struct ListQuery {
    std::string to{};  // filters: either, both or neither
    std::string from{};
    int page_size = 50;  // per request, 1-1000 (capped at `limit`)
    int limit = 100;     // messages in all; pages are followed until there are this many
};

// "/2010-04-01/Accounts/{AccountSid}/Messages.json?To=...&From=...&PageSize=N": the first page.
std::string list_path(std::string_view account_sid, const ListQuery& query);

// One medium of an MMS: where it is, and its MIME type.
struct Media {
    std::string url;
    std::string content_type;
};

// The content behind a media URL.
struct Download {
    std::string content_type;  // as the last answer declared it, parameters dropped
    std::string bytes;
};

// Whether Twilio keeps media at `origin` ("https://host[:port]"): the API's own origin
// `api_base`, or the hosts its media URLs redirect to (mms.twiliocdn.com with media
// authentication on, s3-external-1.amazonaws.com without), over HTTPS.
bool media_origin(std::string_view origin, std::string_view api_base);

// A client for one account, built per request (the connection, kept by the outbound client per
// thread, outlives it). Every call throws TwilioError; a Config lacking what a call needs is a
// 503 configuration_incomplete naming it.
class Client {
  public:
    explicit Client(const Config& config, Timing timing = {});

    // POST Messages.json: From is TWILIO_PHONE_NUMBER, or MessagingServiceSid when only
    // TWILIO_MESSAGING_SERVICE_SID is set. An unsafe request: never retried once it may have
    // reached Twilio (see TwilioError::outcome_unknown).
    Message create_message(const Outgoing& message);
    Message fetch_message(std::string_view sid);
    // Newest first as Twilio lists them, following next_page_uri up to query.limit.
    std::vector<Message> list_messages(const ListQuery& query);
    // The media of a message (its Media list; no call when num_media is 0), as Twilio hands
    // them to the webhook: MediaUrlN, the media resource's URI without ".json", and
    // MediaContentTypeN.
    std::vector<Media> media(const Message& message);
    // The content at an inbound medium's URL, read with the account's credentials (Twilio asks
    // for them when media authentication is on), following up to 3 redirects. Only Twilio's
    // origins are asked (media_origin), and the credentials go to the API's alone: 422
    // media_host_refused for any other, 422 media_too_large past `max_bytes`; else as a GET.
    Download download_media(const std::string& url, size_t max_bytes);

  private:
    // One request (a create POSTs `form`, anything else is a GET), retried as the outbound
    // client's rule allows, and its JSON object; `what` names it in log lines.
    nlohmann::json call(bool create, const std::string& path, const std::string& form,
                        std::string_view what);

    std::string api_base_;
    std::string account_sid_;
    std::string auth_token_;
    std::string phone_number_;
    std::string messaging_service_sid_;
    std::string public_base_url_;
    Timing timing_;
};

}  // namespace textus::twilio
