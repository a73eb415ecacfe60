#include "common/contacts/contact.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <regex>

#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/phone.h"
#include "common/core/text.h"

namespace textus::contacts {

namespace {

using nlohmann::json;

constexpr std::string_view kStatuses[] = {"new",       "contacted", "qualified",
                                          "nurturing", "client",    "inactive"};
constexpr std::string_view kPreferredMethods[] = {"sms", "email", "phone"};
constexpr std::string_view kContactMethods[] = {"sms", "email", "phone", "in-person"};

template <size_t N>
bool one_of(std::string_view value, const std::string_view (&allowed)[N]) {
    return std::find(std::begin(allowed), std::end(allowed), value) != std::end(allowed);
}

template <size_t N>
std::string list(const std::string_view (&allowed)[N]) {
    std::string out;
    for (const auto value : allowed) out += (out.empty() ? "" : ", ") + std::string(value);
    return out;
}

HttpError invalid(std::string_view field, std::string_view what) {
    return bad_request("invalid_field", std::string(field) + " " + std::string(what),
                       std::string(field));
}

using fields::Lines;

// A string or null; "" (after trimming) counts as null.
std::optional<std::string> optional_text(const json& value, std::string_view field, size_t max) {
    if (value.is_null()) return std::nullopt;
    auto out = fields::text(value, field, max);
    if (out.empty()) return std::nullopt;
    return out;
}

bool boolean(const json& value, std::string_view field) {
    if (!value.is_boolean()) throw invalid(field, "must be true or false");
    return value.get<bool>();
}

template <size_t N>
std::optional<std::string> optional_choice(const json& value, std::string_view field,
                                           const std::string_view (&allowed)[N]) {
    auto out = optional_text(value, field, 32);
    if (out && !one_of(*out, allowed)) throw invalid(field, "must be one of " + list(allowed));
    return out;
}

// An array of strings, trimmed, without empties or repeats. `shape_code` is the error code for
// a value that is not an array of strings at all.
std::vector<std::string> string_list(const json& value, std::string_view field, size_t max_items,
                                     size_t max_length,
                                     std::string_view shape_code = "invalid_field") {
    const bool strings =
        value.is_array() &&
        std::all_of(value.begin(), value.end(), [](const json& item) { return item.is_string(); });
    if (!strings) {
        throw bad_request(std::string(shape_code),
                          std::string(field) + " must be an array of strings", std::string(field));
    }
    if (value.size() > max_items) {
        throw invalid(field, "must have at most " + std::to_string(max_items) + " items");
    }
    std::vector<std::string> out;
    for (const auto& item : value) {
        auto entry = fields::text(item, field, max_length);
        if (!entry.empty() && std::find(out.begin(), out.end(), entry) == out.end()) {
            out.push_back(std::move(entry));
        }
    }
    return out;
}

int number(std::string_view digits) {
    int value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

std::optional<std::string> birthdate(const json& value) {
    auto date = optional_text(value, "birthdate", 10);
    if (!date) return date;
    static const std::regex shape(R"(^(\d{4})-(\d{2})-(\d{2})$)");
    std::smatch m;
    bool valid = std::regex_match(*date, m, shape);
    if (valid) {
        using namespace std::chrono;
        const year_month_day day{year{number(m.str(1))}, month(number(m.str(2))),
                                 std::chrono::day(number(m.str(3)))};
        const year_month_day today{floor<days>(system_clock::now())};
        valid = day.ok() && day.year() >= year{1900} && day <= today;
    }
    if (!valid) {
        throw bad_request("invalid_birthdate",
                          "birthdate must be a past date written YYYY-MM-DD, e.g. 1985-04-23",
                          "birthdate");
    }
    return date;
}

std::optional<std::string> email(const json& value) {
    auto address = optional_text(value, "email", 254);
    if (!address) return address;
    fields::check_email(*address, "email");
    return address;
}

json address(const json& value) {
    if (value.is_null()) return nullptr;
    if (!value.is_object()) throw invalid("address", "must be an object or null");
    json out = json::object();
    bool any = false;
    for (const char* key : {"street", "city", "state", "zip"}) {
        const auto it = value.find(key);
        const auto part = it == value.end()
                              ? std::nullopt
                              : optional_text(*it, std::string("address.") + key, 200);
        out[key] = part ? json(*part) : json(nullptr);
        any = any || part;
    }
    return any ? out : json(nullptr);
}

json interests(const json& value) {
    if (value.is_null()) return nullptr;
    if (!value.is_object()) throw invalid("interests", "must be an object or null");
    const auto get = [&](const char* key) -> const json& {
        static const json absent;
        const auto it = value.find(key);
        return it == value.end() ? absent : *it;
    };
    const auto flag = [&](const char* key) {
        return get(key).is_null() ? false : boolean(get(key), std::string("interests.") + key);
    };
    const auto strings = [&](const char* key) {
        return get(key).is_null() ? std::vector<std::string>()
                                  : string_list(get(key), std::string("interests.") + key, 50, 100);
    };
    json range = nullptr;
    if (const auto& r = get("priceRange"); !r.is_null()) {
        if (!r.is_object()) throw invalid("interests.priceRange", "must be an object or null");
        range = json::object();
        for (const char* bound : {"min", "max"}) {
            const auto it = r.find(bound);
            if (it == r.end() || it->is_null()) {
                range[bound] = nullptr;
            } else if (it->is_number() && it->get<double>() >= 0 &&
                       std::isfinite(it->get<double>())) {
                range[bound] = *it;
            } else {
                throw invalid(std::string("interests.priceRange.") + bound,
                              "must be a non-negative number or null");
            }
        }
        if (range["min"].is_number() && range["max"].is_number() &&
            range["min"].get<double>() > range["max"].get<double>()) {
            throw invalid("interests.priceRange", "min must not be more than max");
        }
    }
    const auto timeframe = optional_text(get("timeframe"), "interests.timeframe", 100);
    return {{"buying", flag("buying")},
            {"selling", flag("selling")},
            {"propertyTypes", strings("propertyTypes")},
            {"locations", strings("locations")},
            {"priceRange", range},
            {"timeframe", timeframe ? json(*timeframe) : json(nullptr)}};
}

void apply_preferences(const json& value, Contact& contact) {
    if (!value.is_object()) throw invalid("preferences", "must be an object");
    if (const auto it = value.find("emailOptIn"); it != value.end()) {
        contact.email_opt_in = boolean(*it, "preferences.emailOptIn");
    }
    if (const auto it = value.find("callOptIn"); it != value.end()) {
        contact.call_opt_in = boolean(*it, "preferences.callOptIn");
    }
    if (const auto it = value.find("preferredContactMethod"); it != value.end()) {
        contact.preferred_contact_method =
            optional_choice(*it, "preferences.preferredContactMethod", kPreferredMethods);
    }
}

json nullable(const std::optional<std::string>& value) {
    return value ? json(*value) : json(nullptr);
}

HttpError missing(std::string_view field) {
    return bad_request("missing_field", std::string(field) + " is required", std::string(field));
}

}  // namespace

Contact apply_json(const json& body, Contact contact, std::string_view default_region) {
    const auto has = [&](const char* key) -> const json* {
        const auto it = body.find(key);
        return it == body.end() ? nullptr : &*it;
    };
    if (const auto* v = has("firstName")) contact.first_name = fields::text(*v, "firstName", 100);
    if (const auto* v = has("lastName")) contact.last_name = fields::text(*v, "lastName", 100);
    if (const auto* v = has("email")) contact.email = email(*v);
    if (const auto* v = has("phone")) {
        const auto given = fields::text(*v, "phone", 40);
        if (given.empty()) throw missing("phone");
        auto parsed = phone::parse(given, default_region);
        if (!parsed.e164) throw bad_request("invalid_phone", parsed.problem, "phone");
        contact.phone = std::move(*parsed.e164);
    }
    if (const auto* v = has("birthdate")) contact.birthdate = birthdate(*v);
    if (const auto* v = has("status")) contact.status = parse_status(*v, "status");
    if (const auto* v = has("tags")) contact.tags = parse_tags(*v, "tags");
    if (const auto* v = has("notes")) {
        contact.notes = v->is_null() ? "" : fields::text(*v, "notes", 10000, Lines::many);
    }
    if (const auto* v = has("source")) {
        const auto source = optional_text(*v, "source", 50);
        contact.source = source.value_or("staff");
    }
    if (const auto* v = has("smsOptIn")) contact.sms_opt_in = boolean(*v, "smsOptIn");
    if (const auto* v = has("address")) contact.address = address(*v);
    if (const auto* v = has("preferences")) apply_preferences(*v, contact);
    if (const auto* v = has("interests")) contact.interests = interests(*v);
    if (const auto* v = has("assignedAgent")) {
        contact.assigned_agent = optional_text(*v, "assignedAgent", 100);
    }
    if (const auto* v = has("lastContactAt"))
        contact.last_contact_at = fields::timestamp(*v, "lastContactAt");
    if (const auto* v = has("lastContactMethod")) {
        contact.last_contact_method = optional_choice(*v, "lastContactMethod", kContactMethods);
    }
    if (contact.phone.empty()) throw missing("phone");
    return contact;
}

WebLead parse_web_lead(const json& body, std::string_view default_region) {
    WebLead lead;
    for (const auto& [field, out] :
         {std::pair{"firstName", &lead.first_name}, std::pair{"lastName", &lead.last_name}}) {
        if (!body.contains(field)) throw missing(field);
        *out = fields::text(body[field], field, 100);
        if (out->empty()) throw missing(field);
    }
    if (!body.contains("phoneNumber")) throw missing("phoneNumber");
    const auto given = fields::text(body["phoneNumber"], "phoneNumber", 40);
    if (given.empty()) throw missing("phoneNumber");
    auto parsed = phone::parse(given, default_region);
    if (!parsed.e164) throw bad_request("invalid_phone", parsed.problem, "phoneNumber");
    lead.phone = std::move(*parsed.e164);
    if (body.contains("email")) lead.email = email(body["email"]);
    if (body.contains("birthdate")) lead.birthdate = birthdate(body["birthdate"]);
    return lead;
}

Contact apply_write(const json& body, const Contact* stored, bool replace,
                    std::string_view default_region) {
    Contact base;
    if (stored && !replace) base = *stored;
    if (stored && replace) {
        // PUT replaces what staff edit, not a record's history: opt-in changes only on purpose
        // and a web lead keeps its origin.
        base.sms_opt_in = stored->sms_opt_in;
        base.source = stored->source;
    }
    auto contact = apply_json(body, std::move(base), default_region);
    // Names are required, except that a contact created by an inbound SMS has none yet and may
    // keep none through an edit that does not name them.
    for (const auto& [name, field] : {std::pair{&Contact::first_name, "firstName"},
                                      std::pair{&Contact::last_name, "lastName"}}) {
        if ((contact.*name).empty() && (!stored || !((*stored).*name).empty())) {
            throw missing(field);
        }
    }
    // Consent belongs to a number: a new number is not opted in unless this request says so.
    if (stored && contact.phone != stored->phone && !body.contains("smsOptIn")) {
        contact.sms_opt_in = false;
    }
    return contact;
}

ConsentChange consent_change(const Contact* stored, const Contact& contact) {
    if (!stored) return contact.sms_opt_in ? ConsentChange::opt_in : ConsentChange::none;
    if (contact.phone != stored->phone) {
        return contact.sms_opt_in ? ConsentChange::opt_in : ConsentChange::phone_changed;
    }
    if (contact.sms_opt_in == stored->sms_opt_in) return ConsentChange::none;
    return contact.sms_opt_in ? ConsentChange::opt_in : ConsentChange::opt_out;
}

json to_json(const Contact& c) {
    json consent = nullptr;
    if (c.consent) {
        consent = {{"at", c.consent->at},
                   {"ip", nullable(c.consent->ip)},
                   {"text", nullable(c.consent->text)},
                   {"source", c.consent->source},
                   {"verifiedBy", nullable(c.consent->verified_by)},
                   {"language", nullable(c.consent->language)}};
    }
    return {{"id", c.id},
            {"firstName", c.first_name},
            {"lastName", c.last_name},
            {"email", nullable(c.email)},
            {"phone", c.phone},
            {"birthdate", nullable(c.birthdate)},
            {"language", nullable(c.language)},
            {"status", c.status},
            {"tags", c.tags},
            {"notes", c.notes},
            {"source", c.source},
            {"smsOptIn", c.sms_opt_in},
            {"optedOutAt", nullable(c.opted_out_at)},
            {"possibleOptOutMessageId",
             c.possible_opt_out_id ? json(*c.possible_opt_out_id) : json(nullptr)},
            {"consent", consent},
            {"commerce7CustomerId", nullable(c.commerce7_customer_id)},
            {"address", c.address},
            {"preferences",
             {{"emailOptIn", c.email_opt_in},
              {"callOptIn", c.call_opt_in},
              {"preferredContactMethod", nullable(c.preferred_contact_method)}}},
            {"interests", c.interests},
            {"assignedAgent", nullable(c.assigned_agent)},
            {"lastContactAt", nullable(c.last_contact_at)},
            {"lastContactMethod", nullable(c.last_contact_method)},
            {"createdAt", c.created_at},
            {"updatedAt", c.updated_at}};
}

std::string search_pattern(std::string_view search) {
    auto term = text::trim(search);
    const bool phone_like =
        std::any_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        term.find_first_not_of("0123456789 +-().") == std::string::npos;
    if (phone_like) term = phone::digits(term);
    if (term.empty()) return {};
    std::string pattern = "%";
    for (const char c : term) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

std::string parse_status(const json& value, std::string_view field) {
    auto status = fields::text(value, field, 32);
    if (!one_of(status, kStatuses)) {
        throw bad_request("invalid_status",
                          std::string(field) + " must be one of " + list(kStatuses),
                          std::string(field));
    }
    return status;
}

std::vector<std::string> parse_tags(const json& value, std::string_view field) {
    return string_list(value, field, 50, 50, "invalid_tags");
}

ListQuery parse_list_query(const Form& query) {
    ListQuery out;
    const auto get = [&](const char* name) -> const std::string* {
        const auto* value = query.get(name);
        return value && !value->empty() ? value : nullptr;
    };
    if (const auto* search = get("search")) {
        if (text::length(*search) > 200) {
            throw bad_request("invalid_query", "search must be at most 200 characters", "search");
        }
        if (auto pattern = search_pattern(*search); !pattern.empty()) out.search_pattern = pattern;
    }
    if (const auto* status = get("status")) out.status = parse_status(*status, "status");
    if (const auto* opt_in = get("optIn")) {
        if (*opt_in != "true" && *opt_in != "false") {
            throw bad_request("invalid_query", "optIn must be true or false", "optIn");
        }
        out.sms_opt_in = *opt_in == "true";
    }
    out.limit = static_cast<int>(query_integer(query, "limit", 1, kMaxLimit, kDefaultLimit));
    out.skip = query_integer(query, "skip", 0, 1'000'000'000, 0);
    return out;
}

}  // namespace textus::contacts
