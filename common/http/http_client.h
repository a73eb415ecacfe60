// The one outbound HTTP client: Twilio, Commerce7 and the nchan publisher send through it. It
// keeps connections alive, retries what a retry cannot do twice, and says when a request may
// have acted without our learning how (issue 23: never send a text twice; docs/decisions.md,
// Outbound HTTP).
//
// The rule. A request is *safe* (GET, or a PUT of a whole resource: twice is once) or *unsafe*
// (a create: Twilio's POST Messages.json, Commerce7's POST /customer); the caller says which.
// - An unsafe request is retried only on 429 (a rate limiter refuses before acting) or when no
//   connection was made. Any other failure after it may have been sent (a 5xx of any kind, a
//   dropped connection, no answer in time) ends the call with its outcome unknown: the server
//   may have acted, and a second request could act twice. A 2xx whose body the caller cannot
//   read is likewise unknown; the caller, who parses, decides that.
// - A safe request is retried on 429, on 5xx and when no connection was made, up to
//   Timing::attempts. One that may have been sent and got no answer in time is not: a second
//   wait would keep the person behind it waiting twice.
// - Connections are kept alive, one per origin and thread. An unsafe request never goes out
//   on a connection idle longer than Timing::max_idle_before_unsafe: the server may be closing
//   it as we write, which would leave a create's outcome unknown for nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httplib {
enum class Error;
}

namespace textus::http_client {

// Below nginx's patience for a handler only when nothing goes wrong: see docs/decisions.md for
// the worst case.
inline constexpr std::chrono::milliseconds kConnectTimeout{5000};
inline constexpr std::chrono::milliseconds kReadTimeout{10000};
inline constexpr int kAttempts = 3;                               // in all, the first included
inline constexpr std::chrono::milliseconds kBackoff{500};         // doubled at each retry
inline constexpr std::chrono::milliseconds kMaxRetryAfter{3000};  // cap on a Retry-After
// Below the shortest keep-alive timeout servers commonly use (5 s: Apache httpd's and
// cpp-httplib's defaults; nginx's is 75 s), so that a create does not race the server's close.
inline constexpr std::chrono::milliseconds kMaxIdleBeforeUnsafe{4000};

// The client's clock; tests shorten it.
struct Timing {
    std::chrono::milliseconds connect_timeout = kConnectTimeout;
    std::chrono::milliseconds read_timeout = kReadTimeout;  // and the write timeout
    int attempts = kAttempts;
    std::chrono::milliseconds backoff = kBackoff;
    std::chrono::milliseconds max_retry_after = kMaxRetryAfter;
    std::chrono::milliseconds max_idle_before_unsafe = kMaxIdleBeforeUnsafe;
};

enum class Safety {
    safe,    // may be sent again after it may have acted: GET, PUT of a whole resource
    unsafe,  // a create: sent again only when it cannot have acted
};

// Why an attempt got no answer.
enum class Failure {
    not_connected,        // no connection was made: nothing was sent
    certificate_refused,  // TLS verification failed: nothing was sent, and it would fail again
    maybe_sent,           // the request may have reached the server: no answer in time, a drop
};

Failure failure_of(httplib::Error error);

// How a call ended.
enum class Outcome {
    answered,    // Result::status and body are the server's last answer
    unanswered,  // no answer, and nothing to fear: nothing was sent, or the request was safe
    unknown,     // an unsafe request may have acted: a 5xx (status and body kept) or no answer
};

// What to do after an attempt answered `status` (after_answer) or failed (after_failure):
// nullopt to try again, else how the call ends. `attempts_left`: another attempt is allowed.
std::optional<Outcome> after_answer(Safety safety, int status, bool attempts_left);
std::optional<Outcome> after_failure(Safety safety, Failure failure, bool attempts_left);

// How long to wait after failed attempt `attempt` (1 = the first) before the next: the
// server's Retry-After in seconds when it gives one, capped at timing.max_retry_after, else
// timing.backoff doubled at each attempt.
std::chrono::milliseconds retry_delay(int attempt, std::string_view retry_after,
                                      const Timing& timing);

using Headers = std::vector<std::pair<std::string, std::string>>;

// {"Authorization", "Basic base64(user:password)"}: credentials go with each request, never
// with a pooled connection that another caller may use next.
std::pair<std::string, std::string> basic_auth(std::string_view user, std::string_view password);

struct Request {
    std::string method;  // GET, PUT or POST
    std::string path;    // percent-encoded already, query included
    Safety safety;
    Headers headers{};
    std::string body{};
    std::string content_type{};  // of the body
    // Names the call in log lines: never a body, a token or a whole phone number.
    std::string what{};
    // The most of an answer's body read (0: no limit): a longer one ends the call unanswered,
    // with Result::too_large, once that much has come.
    size_t max_body = 0;
};

struct Result {
    Outcome outcome;
    int status = 0;  // the answer's; 0 when there was none
    std::string body{};
    std::string error{};         // httplib's words for a failure with no answer
    std::string content_type{};  // the answer's headers a caller may need
    std::string location{};
    bool too_large = false;  // the body outgrew Request::max_body
};

// Sends `request` to `origin` (scheme, host and optional port) as the rule allows, logging
// each retry. Never throws for the network.
Result send(const std::string& origin, const Request& request, const Timing& timing);

// application/x-www-form-urlencoded, every byte but A-Z a-z 0-9 - _ . ~ percent-encoded, pairs
// in the order given (repeated names kept: MediaUrl).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace textus::http_client
