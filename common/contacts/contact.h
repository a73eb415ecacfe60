// The contact resource (contract.md §4): its fields, how a JSON body changes it (with every
// validation rule), how it renders, and how list queries are read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http.h"

namespace textus::contacts {

// The latest opt-in consent on record (read-only: it comes from consent_events).
struct Consent {
    std::string at;
    std::optional<std::string> ip;
    std::optional<std::string> text;
    std::string source;
    std::optional<std::string> verified_by{};  // "code": a web form's, confirmed from the phone
    std::optional<std::string> language{};     // the consent text's, a web form's ("en", "es")
};

struct Contact {
    int64_t id = 0;
    std::string first_name;
    std::string last_name;
    std::optional<std::string> email;
    std::string phone;                     // E.164
    std::optional<std::string> birthdate;  // YYYY-MM-DD
    // The language the number's holder chose on a web form ("en", "es"; read-only): our texts to
    // them speak it (common/core/language). None: not known, English.
    std::optional<std::string> language;
    std::string status = "new";
    std::vector<std::string> tags;
    std::string notes;
    std::string source = "staff";
    bool sms_opt_in = false;
    std::optional<std::string> opted_out_at;
    // A text of the number's that may be an opt-out, for staff to confirm or dismiss (018).
    std::optional<int64_t> possible_opt_out_id;
    std::optional<Consent> consent;
    std::optional<std::string> commerce7_customer_id;
    nlohmann::json address;  // null or {street, city, state, zip}
    bool email_opt_in = false;
    bool call_opt_in = false;
    std::optional<std::string> preferred_contact_method;
    nlohmann::json interests;  // null or the full interests object
    std::optional<std::string> assigned_agent;
    std::optional<std::string> last_contact_at;
    std::optional<std::string> last_contact_method;
    std::string created_at;
    std::string updated_at;
};

// `base` with every writable field present in `body` validated and applied; read-only fields
// (id, optedOutAt, consent, commerce7CustomerId, createdAt, updatedAt) are ignored so a client
// may send back what it read. The result must have a phone; apply_write requires names.
// Throws HttpError 400 naming the field at fault.
Contact apply_json(const nlohmann::json& body, Contact base, std::string_view default_region);

// What a write of `body` makes of `stored` (nullptr: a new contact). `replace` (PUT) starts from
// a blank contact that keeps only the stored SMS opt-in and source, otherwise (PATCH) from
// `stored`; apply_json then applies the body. First and last name are required, but a contact
// that has none yet (created by an inbound SMS) keeps none without a word. Consent belongs to a
// number: when the phone changes, the contact is opted in only if the body says so.
Contact apply_write(const nlohmann::json& body, const Contact* stored, bool replace,
                    std::string_view default_region);

// What a website visitor gives with their consent (POST /api/twilio/initiate).
struct WebLead {
    std::string first_name;
    std::string last_name;
    std::string phone;  // E.164
    std::optional<std::string> email;
    std::optional<std::string> birthdate;  // YYYY-MM-DD
};

// firstName, lastName and phoneNumber required, email and birthdate optional, each checked as a
// contact's field is; 400 naming the field at fault (the phone as "phoneNumber").
WebLead parse_web_lead(const nlohmann::json& body, std::string_view default_region);

// The consent event a write from `stored` (nullptr: a new contact) to `contact` records:
// opt_in or opt_out when SMS opt-in changes, and for a new phone opt_in when the same write
// records consent, phone_changed otherwise (the old number's consent does not carry over).
enum class ConsentChange { none, opt_in, opt_out, phone_changed };
ConsentChange consent_change(const Contact* stored, const Contact& contact);

nlohmann::json to_json(const Contact& contact);

// A contact's status, one of new, contacted, qualified, nurturing, client, inactive: 400
// invalid_status naming `field` otherwise.
std::string parse_status(const nlohmann::json& value, std::string_view field);

// A list of tags as a contact holds them (trimmed, duplicates dropped, at most 50 of 50
// characters): 400 invalid_tags or invalid_field naming `field` otherwise.
std::vector<std::string> parse_tags(const nlohmann::json& value, std::string_view field);

inline constexpr int kDefaultLimit = 50;
inline constexpr int kMaxLimit = 200;

struct ListQuery {
    std::optional<std::string> search_pattern;  // a LIKE pattern over search_text
    std::optional<std::string> status;
    std::optional<bool> sms_opt_in;
    int limit = kDefaultLimit;
    int64_t skip = 0;
};

// ?search=&status=&optIn=&limit=&skip=; 400 for a bad value.
ListQuery parse_list_query(const Form& query);

// The LIKE pattern matching `search` anywhere in a contact's name, email or phone digits:
// LIKE's wildcards escaped; a phone-looking search ("(760) 555-12") keeps only its digits.
// Empty when there is nothing to search for. The SQL lower-cases it, as it does the searched
// text, so that case-insensitivity covers every alphabet and not only ASCII.
std::string search_pattern(std::string_view search);

}  // namespace textus::contacts
