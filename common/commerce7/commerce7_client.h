// Commerce7's customer API (https://api.commerce7.com/v1/customer) through
// common/http/http_client.h: find a web-to-text lead's customer by phone, then by email, and update
// it, or create one. HTTP Basic (app id : secret) and the `tenant` header on every call; the
// outbound client's retries, which never create twice; Commerce7's refusals mapped to contract.md
// §4's statuses (docs/decisions.md, Commerce7 client and simulator).
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

namespace textus::commerce7 {

// The outbound client's clock, as the Twilio client's: 3 attempts, Retry-After honoured up to
// 3 s, connect 5 s, read 10 s; initiate and tests shorten it.
using Timing = http_client::Timing;

// What the app uses of a Commerce7 customer; `resource` keeps the whole JSON, so that an update
// can give back the phones, emails and metaData it found with ours added.
struct Customer {
    std::string id;
    std::vector<std::string> phones;  // phones[].phone, as Commerce7 holds them (E.164)
    std::vector<std::string> emails;  // emails[].email
    nlohmann::json resource = nlohmann::json::object();
};

Customer parse_customer(const nlohmann::json& resource);

// A web-to-text lead as initiate validated it: phone in E.164; email and birthdate
// (YYYY-MM-DD) may be empty.
struct Lead {
    std::string first_name{};
    std::string last_name{};
    std::string phone{};
    std::string email{};
    std::string birthdate{};
};

// True when one of the customer's phones is exactly `e164`: Commerce7's q= search is fuzzy.
bool has_phone(const Customer& customer, std::string_view e164);
// True when one of the customer's emails is `email`, ignoring ASCII case.
bool has_email(const Customer& customer, std::string_view email);

// The PUT body for an existing customer: the lead's phone and email appended to the customer's
// own lists only when missing, and its metaData with sms_enrolled "true" and sms_enrolled_date.
nlohmann::json update_body(const Customer& customer, const Lead& lead, std::string_view date);
// The POST body for a new customer, metaData.source "sms_chatbot" and enrolled on `date`.
nlohmann::json create_body(const Lead& lead, std::string_view date);

// Every failure of a Commerce7 call. `status` and `code` are what our caller answers; what() is
// ours and holds nothing personal, since errors are logged.
class Commerce7Error : public HttpError {
  public:
    Commerce7Error(int status, std::string code, std::string message, int commerce7_status = 0,
                   std::string commerce7_message = {}, bool outcome_unknown = false)
        : HttpError(status, std::move(code), std::move(message)),
          commerce7_status(commerce7_status),
          commerce7_message(std::move(commerce7_message)),
          outcome_unknown(outcome_unknown) {}

    int commerce7_status;  // the HTTP status Commerce7 answered; 0: none
    // Commerce7's own message and errors[]; they may quote an email or a phone: never logged.
    std::string commerce7_message;
    // A create that may have reached Commerce7 without our learning its fate. Do not POST again:
    // run find_or_create again later, whose search finds the customer if it was made.
    bool outcome_unknown;
};

// The error for Commerce7's answer `http_status` with `body` ({statusCode, type, message,
// errors[]}; anything else is read as no message): 401/403 -> 503 commerce7_auth, 429 and 5xx ->
// 502 commerce7_unavailable, anything else (errors[] on a 2xx included) -> 502 commerce7_error.
Commerce7Error error_from_answer(int http_status, std::string_view body);

// COMMERCE7_API_BASE split for cpp-httplib: `origin` is scheme, host and optional port, `path`
// the prefix the client puts before /customer ("/v1"; "" for none; a trailing "/" dropped).
struct ApiBase {
    std::string origin;
    std::string path;
};
std::optional<ApiBase> parse_api_base(std::string_view api_base);

// "/customer?q=..." (q percent-encoded) after the base's path.
std::string search_path(std::string_view base_path, std::string_view q);

// A client for one tenant, built per request (the outbound client keeps the connection). Every
// call throws
// Commerce7Error; a Config lacking what it needs is a 503 configuration_incomplete naming it.
class Client {
  public:
    explicit Client(const Config& config, Timing timing = {});

    // GET /customer?q=<the number's digits>, keeping the customer whose phones[].phone is
    // exactly `e164`.
    std::optional<Customer> find_by_phone(std::string_view e164);
    // GET /customer?q=<email>, keeping the customer with that email in any case.
    std::optional<Customer> find_by_email(std::string_view email);
    // PUT /customer/{id} with update_body. A safe request: the same PUT twice is one change.
    Customer update(const Customer& customer, const Lead& lead, std::string_view date);
    // POST /customer with create_body. An unsafe request: never retried once it may have reached
    // Commerce7 (Commerce7Error::outcome_unknown).
    Customer create(const Lead& lead, std::string_view date);
    // Phone first, then email, then create; the customer's id. `date` (YYYY-MM-DD) is
    // sms_enrolled_date.
    std::string find_or_create(const Lead& lead, std::string_view date);

  private:
    std::optional<Customer> search(std::string_view q, std::string_view what,
                                   bool (*matches)(const Customer&, std::string_view),
                                   std::string_view wanted);
    // One request (GET, PUT, or POST: a create), retried as the outbound client's rule allows,
    // and its JSON object; `what` names it in log lines.
    nlohmann::json call(const std::string& method, const std::string& path,
                        const nlohmann::json& body, std::string_view what);

    ApiBase base_;
    std::string app_id_;
    std::string secret_;
    std::string tenant_;
    Timing timing_;
};

}  // namespace textus::commerce7
