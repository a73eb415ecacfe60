#include "common/commerce7/commerce7_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <regex>

#include "common/core/log.h"

namespace textus::commerce7 {

namespace {

std::string string_field(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// The `key` of each object in the array `object[name]`: phones[].phone, emails[].email.
std::vector<std::string> listed(const nlohmann::json& object, const char* name, const char* key) {
    std::vector<std::string> values;
    const auto it = object.find(name);
    if (it == object.end() || !it->is_array()) return values;
    for (const auto& item : *it) {
        if (item.is_object()) values.push_back(string_field(item, key));
    }
    return values;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
               return lower(x) == lower(y);
           });
}

// Commerce7's errors[] (objects with field and message, or strings), joined; empty when none.
std::string joined_errors(const nlohmann::json& answer) {
    std::string out;
    const auto it = answer.find("errors");
    if (it == answer.end() || !it->is_array()) return out;
    for (const auto& e : *it) {
        out += out.empty() ? "" : "; ";
        if (e.is_object()) {
            const auto field = string_field(e, "field");
            out += (field.empty() ? "" : field + ": ") + string_field(e, "message");
        } else {
            out += e.is_string() ? e.get<std::string>() : e.dump();
        }
    }
    return out;
}

const char* kAuthMessage =
    "Commerce7 refused our credentials: check COMMERCE7_APP_ID, COMMERCE7_SECRET and "
    "COMMERCE7_TENANT";

}  // namespace

Customer parse_customer(const nlohmann::json& resource) {
    Customer c;
    if (!resource.is_object()) return c;
    c.id = string_field(resource, "id");
    c.phones = listed(resource, "phones", "phone");
    c.emails = listed(resource, "emails", "email");
    c.resource = resource;
    return c;
}

bool has_phone(const Customer& customer, std::string_view e164) {
    return std::find(customer.phones.begin(), customer.phones.end(), e164) != customer.phones.end();
}

bool has_email(const Customer& customer, std::string_view email) {
    return std::any_of(customer.emails.begin(), customer.emails.end(),
                       [&](const std::string& e) { return iequals(e, email); });
}

nlohmann::json update_body(const Customer& customer, const Lead& lead, std::string_view date) {
    nlohmann::json body = nlohmann::json::object();
    const auto& r = customer.resource;
    // Commerce7 replaces a list it is given: give back the customer's own entries, ours after.
    const auto appended = [&](const char* name, const char* key, const std::string& value) {
        auto list = r.contains(name) && r[name].is_array() ? r[name] : nlohmann::json::array();
        list.push_back({{key, value}});
        return list;
    };
    if (!has_phone(customer, lead.phone)) body["phones"] = appended("phones", "phone", lead.phone);
    if (!lead.email.empty() && !has_email(customer, lead.email)) {
        body["emails"] = appended("emails", "email", lead.email);
    }
    auto meta = r.contains("metaData") && r["metaData"].is_object() ? r["metaData"]
                                                                    : nlohmann::json::object();
    meta["sms_enrolled"] = "true";
    meta["sms_enrolled_date"] = date;
    body["metaData"] = std::move(meta);
    return body;
}

nlohmann::json create_body(const Lead& lead, std::string_view date) {
    nlohmann::json body{
        {"firstName", lead.first_name},
        {"lastName", lead.last_name},
        {"phones", {{{"phone", lead.phone}}}},
        {"metaData",
         {{"source", "sms_chatbot"}, {"sms_enrolled", "true"}, {"sms_enrolled_date", date}}}};
    if (!lead.email.empty()) body["emails"] = {{{"email", lead.email}}};
    if (!lead.birthdate.empty()) body["birthDate"] = lead.birthdate;
    return body;
}

Commerce7Error error_from_answer(int http_status, std::string_view body) {
    std::string message;
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object()) {
        message = string_field(json, "message");
        const auto errors = joined_errors(json);
        if (!errors.empty()) message += (message.empty() ? "" : ": ") + errors;
    }
    const auto status_text = "HTTP " + std::to_string(http_status);
    if (http_status == 401 || http_status == 403) {
        return {503, "commerce7_auth", std::string(kAuthMessage) + " (" + status_text + ")",
                http_status, message};
    }
    if (http_status == 429 || http_status >= 500) {
        return {502, "commerce7_unavailable",
                "Commerce7 is unavailable (" + status_text + "); try again shortly", http_status,
                message};
    }
    return {502, "commerce7_error", "Commerce7 refused the request (" + status_text + ")",
            http_status, message};
}

std::optional<ApiBase> parse_api_base(std::string_view api_base) {
    static const std::regex kBase(
        R"((https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?)((?:/[A-Za-z0-9._~-]+)*))");
    if (api_base.ends_with('/')) api_base.remove_suffix(1);
    const std::string base(api_base);
    std::smatch parts;
    if (!std::regex_match(base, parts, kBase)) return {};
    return ApiBase{parts[1].str(), parts[2].str()};
}

std::string search_path(std::string_view base_path, std::string_view q) {
    return std::string(base_path) + "/customer?" +
           http_client::form_encode({{"q", std::string(q)}});
}

Client::Client(const Config& config, Timing timing)
    : app_id_(config.commerce7_app_id),
      secret_(config.commerce7_secret),
      tenant_(config.commerce7_tenant),
      timing_(timing) {
    std::vector<std::string> missing;
    const auto base = parse_api_base(config.commerce7_api_base);
    if (!base) missing.push_back("COMMERCE7_API_BASE");
    if (app_id_.empty()) missing.push_back("COMMERCE7_APP_ID");
    if (secret_.empty()) missing.push_back("COMMERCE7_SECRET");
    if (tenant_.empty()) missing.push_back("COMMERCE7_TENANT");
    if (!missing.empty()) {
        std::string names;
        for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
        throw HttpError(503, "configuration_incomplete", "Missing or malformed: " + names);
    }
    base_ = *base;
}

std::optional<Customer> Client::find_by_phone(std::string_view e164) {
    std::string digits;
    std::copy_if(e164.begin(), e164.end(), std::back_inserter(digits),
                 [](char c) { return c >= '0' && c <= '9'; });
    return search(digits, "find customer by phone " + log::mask_phone(e164), has_phone, e164);
}

std::optional<Customer> Client::find_by_email(std::string_view email) {
    return search(email, "find customer by email " + log::mask_email(email), has_email, email);
}

std::optional<Customer> Client::search(std::string_view q, std::string_view what,
                                       bool (*matches)(const Customer&, std::string_view),
                                       std::string_view wanted) {
    // One page (Commerce7's 50): an exact number or address among more fuzzy hits than that is
    // not worth a second call per lead.
    const auto page = call("GET", search_path(base_.path, q), nullptr, what);
    const auto items = page.find("customers");
    if (items == page.end() || !items->is_array()) return {};
    for (const auto& item : *items) {
        auto customer = parse_customer(item);
        if (!customer.id.empty() && matches(customer, wanted)) return customer;
    }
    return {};
}

Customer Client::update(const Customer& customer, const Lead& lead, std::string_view date) {
    auto updated = parse_customer(call("PUT", base_.path + "/customer/" + customer.id,
                                       update_body(customer, lead, date), "update customer"));
    if (updated.id.empty()) updated.id = customer.id;
    return updated;
}

Customer Client::create(const Lead& lead, std::string_view date) {
    const auto created = parse_customer(
        call("POST", base_.path + "/customer", create_body(lead, date), "create customer"));
    if (created.id.empty()) {
        throw Commerce7Error(502, "commerce7_unavailable",
                             "Commerce7's answer to a create named no customer; it may or may "
                             "not have been created",
                             0, {}, true);
    }
    return created;
}

std::string Client::find_or_create(const Lead& lead, std::string_view date) {
    auto found = find_by_phone(lead.phone);
    if (!found && !lead.email.empty()) found = find_by_email(lead.email);
    return found ? update(*found, lead, date).id : create(lead, date).id;
}

nlohmann::json Client::call(const std::string& method, const std::string& path,
                            const nlohmann::json& body, std::string_view what) {
    using http_client::Outcome;
    const bool create = method == "POST";
    const auto label = "commerce7: " + std::string(what);
    const auto result = http_client::send(
        base_.origin,
        {.method = method,
         .path = path,
         .safety = create ? http_client::Safety::unsafe : http_client::Safety::safe,
         .headers = {{"Accept", "application/json"},
                     {"tenant", tenant_},
                     http_client::basic_auth(app_id_, secret_)},
         .body = method == "GET" ? "" : body.dump(),
         .content_type = method == "GET" ? "" : "application/json",
         .what = label},
        timing_);
    if (result.outcome == Outcome::unknown) {
        spdlog::warn("{}: {}: outcome unknown", label,
                     result.status ? "HTTP " + std::to_string(result.status)
                                   : result.error + " after sending");
        if (result.status) {
            auto error = error_from_answer(result.status, result.body);
            error.outcome_unknown = true;
            throw error;
        }
        throw Commerce7Error(502, "commerce7_unavailable",
                             "Commerce7 did not answer (" + result.error +
                                 "); the customer may or may not have been created",
                             0, {}, true);
    }
    if (result.outcome == Outcome::unanswered) {
        spdlog::warn("{}: {}", label, result.error);
        throw Commerce7Error(
            502, "commerce7_unavailable",
            "Commerce7 could not be reached (" + result.error + "); try again shortly");
    }
    const int status = result.status;
    if (status < 200 || status >= 300) {
        auto error = error_from_answer(status, result.body);
        spdlog::warn("{}: HTTP {}: {}", label, status, error.code);
        throw error;
    }
    const auto json = nlohmann::json::parse(result.body, nullptr, false);
    if (!json.is_object()) {
        throw Commerce7Error(502, "commerce7_unavailable",
                             "Commerce7's answer was not the JSON expected" +
                                 std::string(create ? "; the customer may have been created" : ""),
                             status, {}, create);
    }
    // Commerce7 can refuse in errors[] with a success status.
    if (!joined_errors(json).empty()) {
        spdlog::warn("{}: HTTP {} with errors", label, status);
        throw error_from_answer(status, result.body);
    }
    return json;
}

}  // namespace textus::commerce7
