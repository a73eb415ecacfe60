// commerce7-sim: a fake of Commerce7's customer API (https://api.commerce7.com/v1/customer) for
// the tests and the local stack: customers kept in memory, HTTP Basic (app id : secret) and the
// `tenant` header checked on every call, a fuzzy q= search as Commerce7's is (so that a client
// must check phones and emails itself), and Commerce7's error body {statusCode, type, message,
// errors[]}. It records every API request and fails on demand through hooks under /sim/
// (docs/decisions.md, Commerce7 client and simulator):
//
//   GET    /sim/requests   {"requests": [{method, path, query, body, authOk, tenantOk}]}
//   DELETE /sim/requests
//   POST   /sim/fail       {"count": N, "status": S, "delayMs": D, "retryAfter": R,
//                          "errors": [...], "method": M}: the next N API requests (of method M
//                          when given; rules in the order posted) wait D ms, then answer S with
//                          Retry-After R and errors[] (a 2xx with errors is refused, as
//                          Commerce7 can); a delay alone goes on to answer normally
//   DELETE /sim/fail
//   POST   /sim/customers  {"customers": [customer JSON]}: seed; ids made when missing
//   GET    /sim/customers  {"customers": [...]}: every customer
//
// Configured by flags or the environment (--help); prints "listening on http://HOST:PORT" when
// it accepts connections. Not a textus-* program: deploy/up starts those as handlers.
#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fakes/sim_server.h"

namespace {

namespace sim = textus::sim;
using nlohmann::json;

struct Options {
    sim::Listen listen;
    std::string app_id = "sim-app";
    std::string secret = "sim-secret";
    std::string tenant = "sim-winery";
};

std::string now_rfc3339() {
    return sim::utc_now("%Y-%m-%dT%H:%M:%S.000Z");
}

std::string lower(std::string s) {
    for (auto& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    return s;
}

std::string digits_of(const std::string& s) {
    std::string out;
    std::copy_if(s.begin(), s.end(), std::back_inserter(out),
                 [](char c) { return c >= '0' && c <= '9'; });
    return out;
}

// Commerce7's error body.
void c7_error(httplib::Response& res, int status, const std::string& type,
              const std::string& message, json errors = json::array()) {
    res.status = status;
    sim::send_json(res, json{{"statusCode", status},
                             {"type", type},
                             {"message", message},
                             {"errors", std::move(errors)}});
}

// A request's body as the hooks show it: its JSON, the text when it is not JSON, null when none.
json recorded_body(const std::string& body) {
    if (body.empty()) return nullptr;
    auto parsed = json::parse(body, nullptr, false);
    return parsed.is_discarded() ? json(body) : parsed;
}

// Fuzzy, as Commerce7's search: a substring of a name or an email, or digits found inside a
// phone's digits (or a phone's inside them).
bool fuzzy_match(const json& customer, const std::string& q) {
    const auto needle = lower(q);
    if (needle.empty()) return true;
    for (const char* name : {"firstName", "lastName"}) {
        if (customer.contains(name) && customer[name].is_string() &&
            lower(customer[name].get<std::string>()).find(needle) != std::string::npos) {
            return true;
        }
    }
    for (const auto& e : customer.value("emails", json::array())) {
        if (lower(e.value("email", "")).find(needle) != std::string::npos) return true;
    }
    const auto q_digits = digits_of(q);
    if (q_digits.size() < 3) return false;
    for (const auto& p : customer.value("phones", json::array())) {
        const auto phone = digits_of(p.value("phone", ""));
        if (phone.size() >= 3 && (phone.find(q_digits) != std::string::npos ||
                                  q_digits.find(phone) != std::string::npos)) {
            return true;
        }
    }
    return false;
}

// What Commerce7 refuses of a customer body: errors[] entries, empty when fine.
json validation_errors(const json& body) {
    json errors = json::array();
    if (!body.is_object()) {
        errors.push_back({{"field", "body"}, {"message", "must be an object"}});
        return errors;
    }
    for (const char* name : {"firstName", "lastName", "birthDate"}) {
        if (body.contains(name) && !body[name].is_string()) {
            errors.push_back({{"field", name}, {"message", "must be a string"}});
        }
    }
    const auto check_list = [&](const char* name, const char* key, auto valid) {
        if (!body.contains(name)) return;
        if (!body[name].is_array()) {
            errors.push_back({{"field", name}, {"message", "must be an array"}});
            return;
        }
        for (const auto& item : body[name]) {
            if (!item.is_object() || !item.contains(key) || !item[key].is_string() ||
                !valid(item[key].get<std::string>())) {
                errors.push_back({{"field", name}, {"message", std::string("invalid ") + key}});
            }
        }
    };
    check_list("phones", "phone",
               [](const std::string& p) { return p.starts_with("+") && digits_of(p).size() > 6; });
    check_list("emails", "email",
               [](const std::string& e) { return e.find('@') != std::string::npos; });
    if (body.contains("metaData") && !body["metaData"].is_object()) {
        errors.push_back({{"field", "metaData"}, {"message", "must be an object"}});
    }
    return errors;
}

class Sim {
  public:
    explicit Sim(Options options) : o_(std::move(options)) {}
    void install(httplib::Server& server);

  private:
    struct Rule : sim::Fault {
        json errors;
        std::string method;  // "": any
    };

    // Records an API request, then applies the failure rules, basic auth and the tenant: true
    // when the route's handler is to answer.
    bool admit(const httplib::Request& req, httplib::Response& res);
    void search(const httplib::Request& req, httplib::Response& res);
    void fetch(const httplib::Request& req, httplib::Response& res);
    void create(const httplib::Request& req, httplib::Response& res);
    void update(const httplib::Request& req, httplib::Response& res);
    void fail(const httplib::Request& req, httplib::Response& res);
    void seed(const httplib::Request& req, httplib::Response& res);
    json* find(const std::string& id);  // mu_ held

    const Options o_;
    sim::Recorder<Rule> recorder_;
    std::mutex mu_;
    std::vector<json> customers_;
};

// UUID-shaped, as Commerce7's ids.
std::string random_id() {
    const auto hex = sim::random_hex(32);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

json* Sim::find(const std::string& id) {
    const auto it = std::find_if(customers_.begin(), customers_.end(),
                                 [&](const json& c) { return c["id"] == id; });
    return it == customers_.end() ? nullptr : &*it;
}

bool Sim::admit(const httplib::Request& req, httplib::Response& res) {
    const bool auth_ok = sim::basic_auth_ok(req, o_.app_id, o_.secret);
    const bool tenant_ok = req.get_header_value("tenant") == o_.tenant;
    json query = json::object();
    for (const auto& [name, value] : req.params) query[name] = value;
    const auto rule =
        recorder_.record({{"method", req.method},
                          {"path", req.path},
                          {"query", query},
                          {"body", recorded_body(req.body)},
                          {"authOk", auth_ok},
                          {"tenantOk", tenant_ok}},
                         // The first rule posted for this method or any.
                         [&](std::deque<Rule>& rules) {
                             return std::find_if(rules.begin(), rules.end(), [&](const Rule& r) {
                                 return r.method.empty() || r.method == req.method;
                             });
                         });
    if (rule) {
        rule->wait();
        if (rule->status) {
            rule->add_retry_after(res);
            const bool validation = !rule->errors.empty();
            c7_error(res, rule->status, validation ? "validationError" : "simulatedFailure",
                     validation ? "Validation failed" : "Simulated failure", rule->errors);
            return false;
        }
    }
    if (!auth_ok) {
        res.set_header("WWW-Authenticate", "Basic realm=\"Commerce7\"");
        c7_error(res, 401, "unauthorized", "Invalid credentials");
        return false;
    }
    if (!tenant_ok) {
        c7_error(res, 403, "forbidden", "Not allowed for this tenant");
        return false;
    }
    return true;
}

void Sim::search(const httplib::Request& req, httplib::Response& res) {
    const auto q = req.get_param_value("q");
    std::lock_guard lock(mu_);
    json found = json::array();
    for (const auto& c : customers_) {
        // One page of 50, as Commerce7 lists.
        if (fuzzy_match(c, q) && found.size() < 50) found.push_back(c);
    }
    size_t total = 0;
    for (const auto& c : customers_) total += fuzzy_match(c, q);
    sim::send_json(res, json{{"customers", found}, {"total", total}});
}

void Sim::fetch(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    const auto* c = find(req.matches[1].str());
    if (!c) return c7_error(res, 404, "notFound", "Customer not found");
    sim::send_json(res, *c);
}

void Sim::create(const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body, nullptr, false);
    auto errors = validation_errors(body);
    if (errors.empty() && body.value("phones", json::array()).empty() &&
        body.value("emails", json::array()).empty()) {
        errors.push_back({{"field", "emails"}, {"message", "a phone or an email is required"}});
    }
    if (!errors.empty()) return c7_error(res, 422, "validationError", "Validation failed", errors);
    json customer = body;
    std::lock_guard lock(mu_);
    customer["id"] = random_id();
    customer["createdAt"] = customer["updatedAt"] = now_rfc3339();
    if (!customer.contains("metaData")) customer["metaData"] = json::object();
    customers_.push_back(customer);
    res.status = 200;
    sim::send_json(res, customer);
}

void Sim::update(const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body, nullptr, false);
    const auto errors = validation_errors(body);
    if (!errors.empty()) return c7_error(res, 422, "validationError", "Validation failed", errors);
    std::lock_guard lock(mu_);
    auto* c = find(req.matches[1].str());
    if (!c) return c7_error(res, 404, "notFound", "Customer not found");
    // A field given replaces the customer's, lists and metaData whole.
    for (const auto& [name, value] : body.items()) {
        if (name != "id" && name != "createdAt") (*c)[name] = value;
    }
    (*c)["updatedAt"] = now_rfc3339();
    sim::send_json(res, *c);
}

void Sim::fail(const httplib::Request& req, httplib::Response& res) {
    if (req.method == "DELETE") {
        recorder_.clear_rules();
        res.status = 204;
        return;
    }
    const auto body = json::parse(req.body);
    Rule rule{sim::Fault::read(body, body.value("status", 0)), body.value("errors", json::array()),
              body.value("method", std::string())};
    if (!rule.status && !rule.delay_ms) throw std::invalid_argument("nothing to do");
    recorder_.add_rule(std::move(rule));
    res.status = 204;
}

void Sim::seed(const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body);
    const auto& items = body.is_array() ? body : body.at("customers");
    json created = json::array();
    std::lock_guard lock(mu_);
    for (auto customer : items) {
        if (!customer.is_object()) throw std::invalid_argument("a customer is an object");
        if (!customer.contains("id")) customer["id"] = random_id();
        if (!customer.contains("metaData")) customer["metaData"] = json::object();
        customer["createdAt"] = customer["updatedAt"] = now_rfc3339();
        customers_.push_back(customer);
        created.push_back(customer);
    }
    res.status = 201;
    sim::send_json(res, json{{"customers", created}});
}

void Sim::install(httplib::Server& server) {
    // API routes pass admit() first (not in a pre-routing handler: that runs before the body is
    // read, and could not record it); hooks do not.
    const auto api = [this](void (Sim::*member)(const httplib::Request&, httplib::Response&)) {
        return [this, member](const httplib::Request& req, httplib::Response& res) {
            if (admit(req, res)) (this->*member)(req, res);
        };
    };
    // Commerce7's base URL has the version in its path (https://api.commerce7.com/v1).
    const std::string id = "/v1/customer/([A-Za-z0-9-]+)";
    server.Get("/v1/customer", api(&Sim::search));
    server.Post("/v1/customer", api(&Sim::create));
    server.Get(id, api(&Sim::fetch));
    server.Put(id, api(&Sim::update));
    recorder_.install(server);
    server.Get("/sim/customers", [this](const httplib::Request&, httplib::Response& res) {
        std::lock_guard lock(mu_);
        sim::send_json(res, json{{"customers", customers_}});
    });
    server.Post("/sim/customers", sim::handler(this, &Sim::seed));
    server.Post("/sim/fail", sim::handler(this, &Sim::fail));
    server.Delete("/sim/fail", sim::handler(this, &Sim::fail));
    sim::answer_errors(
        server,
        {.exception = [](const httplib::Request&, httplib::Response& res,
                         const std::string& what) { c7_error(res, 400, "badRequest", what); },
         .not_found = [](const httplib::Request&,
                         httplib::Response& res) { c7_error(res, 404, "notFound", "Not found"); }});
}

const char* kUsage =
    "usage: commerce7-sim [--host H] [--port P] [--app-id A] [--secret S] [--tenant T]\n"
    "                     [--ready-file F]\n"
    "Environment: COMMERCE7_SIM_HOST, COMMERCE7_SIM_PORT, COMMERCE7_APP_ID, COMMERCE7_SECRET,\n"
    "COMMERCE7_TENANT, COMMERCE7_SIM_READY_FILE, LOG_LEVEL.\n"
    "Port 0 (the default) takes any free port. When ready it prints, and writes to the ready\n"
    "file, \"listening on http://HOST:PORT\"; the API is under /v1.\n";

Options parse_options(int argc, char** argv) {
    Options o;
    const sim::Setting settings[] = {
        {"host", "COMMERCE7_SIM_HOST", &o.listen.host},
        {"port", "COMMERCE7_SIM_PORT", &o.listen.port},
        {"app-id", "COMMERCE7_APP_ID", &o.app_id},
        {"secret", "COMMERCE7_SECRET", &o.secret},
        {"tenant", "COMMERCE7_TENANT", &o.tenant},
        {"ready-file", "COMMERCE7_SIM_READY_FILE", &o.listen.ready_file}};
    sim::read_settings(argc, argv, settings, kUsage);
    if (o.app_id.empty() || o.secret.empty() || o.tenant.empty() || o.listen.port < 0 ||
        o.listen.port > 65535) {
        std::cerr << "commerce7-sim: bad app id, secret, tenant or port\n" << kUsage;
        std::exit(2);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    sim::Process process("commerce7-sim");
    // One request per connection: an idle keep-alive connection would hold up a stop.
    process.server.set_keep_alive_max_count(1);
    Sim commerce7(options);
    commerce7.install(process.server);
    return process.serve(options.listen);
}
