// twilio-sim: a fake of Twilio's Messages API (2010-04-01) for the tests and the local stack,
// shaped after Twilio's own OpenAPI description (../shared/twilio-oai): message JSON, list
// pages with next_page_uri, media lists, Twilio's error bodies, basic auth. After a create it
// moves the message queued -> sent -> delivered, posting a signed status callback at each step.
// It records every API request, and fails on demand, through hooks under /sim/, a path Twilio
// does not use (docs/decisions.md, Twilio client and simulator):
//
//   GET    /sim/requests   {"requests": [{method, path, query, form, authOk, remotePort,
//                          receivedAtMs}]}; names -> values; remotePort is the client's, the
//                          same for requests on one kept-alive connection; receivedAtMs when
//                          it came, in Unix milliseconds (the machine's clock, as PostgreSQL's)
//   DELETE /sim/requests
//   POST   /sim/fail       {"count": N, "status": S, "code": C, "delayMs": D, "retryAfter": R}:
//                          the next N API answers (in the order posted) wait D ms, then are
//                          error S with Twilio code C (either part may be left out);
//                          with "after": "create", the rule waits for the next N creates
//                          (other requests pass it by): each is made as usual (stored, its
//                          status callbacks run) and THEN answered error S, or, with
//                          "drop": true instead of a status, its connection is closed
//                          midway through the answer (the client reads no answer);
//                          {"to": "+1...", "code": C, "status": S}: every create to that
//                          number fails so
//   DELETE /sim/fail       forget both kinds
//   POST   /sim/messages   {"messages": [Twilio message JSON: to, from, body, direction,
//                          status, date_created, sid, media_urls, ...]}: history to list
//   POST   /sim/callbacks  {"enabled": bool, "delayMs": D}: off, created messages stay as they
//                          are and nothing is posted (tests then post callbacks themselves)
//   POST   /sim/media      a medium's bytes, with its Content-Type, as a customer's phone sends
//                          it (?messageSid=MM... adds it to that inbound message, ?from= names
//                          the sender): {"messageSid", "mediaSid", "url"}, the MediaUrl Twilio
//                          would post to the webhook
//   GET    /sim/cdn/{token} the content a media URL redirects to, without credentials, as
//                          Twilio's short-lived media host serves it
//
// Every API path asks for the account's credentials, media URLs included: Twilio's "Enforce
// HTTP Auth on Media URLs", which this product requires (contract.md §8).
//
// Configured by flags or the environment (--help); prints "listening on http://HOST:PORT" when
// it accepts connections. Not a textus-* program: deploy/up starts those as handlers.
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common/core/segments.h"
#include "common/http/http.h"
#include "common/twilio/twilio_client.h"
#include "common/twilio/twilio_signature.h"
#include "tests/fakes/sim_server.h"

namespace {

namespace sim = textus::sim;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Options {
    sim::Listen listen;
    std::string account_sid = "AC00000000000000000000000000000000";
    std::string auth_token = "sim-auth-token";
    std::string phone_number = "+15005550006";  // the sender of Messaging Service sends
    int callback_delay_ms = 500;
};

const std::string kSidHex = "[0-9a-fA-F]{32}";
const std::string kPrefix = "/2010-04-01/Accounts/(AC" + kSidHex + ")";
const std::string kMessageSid = "((?:SM|MM)" + kSidHex + ")";

std::string rfc2822_now() {
    return sim::utc_now("%a, %d %b %Y %H:%M:%S +0000");
}

std::string default_message(int code) {
    static const std::map<int, std::string> kMessages = {
        {20003, "Authenticate"},
        {20404, "The requested resource was not found"},
        {20429, "Too Many Requests"},
        {20500, "Internal Server Error"},
        {21211, "The 'To' number is not a valid phone number."},
        {21602, "Message body is required."},
        {21603, "A 'From' phone number is required."},
        {21604, "A 'To' phone number is required."},
        {21610, "Attempt to send to unsubscribed recipient"},
        {21614, "'To' number is not a valid mobile number"},
    };
    const auto it = kMessages.find(code);
    return it == kMessages.end() ? "Error " + std::to_string(code) : it->second;
}

int default_status(int code) {
    if (code == 20003) return 401;
    if (code == 20404) return 404;
    if (code == 20429) return 429;
    if (code >= 20500 && code < 20600) return 500;
    return 400;
}

int default_code(int status) {
    if (status == 401) return 20003;
    if (status == 404) return 20404;
    if (status == 429) return 20429;
    return status >= 500 ? 20500 : 0;
}

// Twilio's error body: {code, message, more_info, status}.
void twilio_error(httplib::Response& res, int status, int code, const std::string& message = {}) {
    res.status = status;
    json body{{"code", code ? json(code) : json(nullptr)},
              {"message", message.empty() ? default_message(code) : message},
              {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code)},
              {"status", status}};
    if (code == 20003) {
        body["detail"] = "Your AccountSid or AuthToken was incorrect.";
        res.set_header("WWW-Authenticate", "Basic realm=\"Twilio API\"");
    }
    sim::send_json(res, body);
}

json grouped(const textus::Form& form) {
    json out = json::object();
    for (const auto& [name, value] : form.pairs()) out[name].push_back(value);
    return out;
}

std::string first(const textus::Form& form, std::string_view name) {
    const auto* value = form.get(name);
    return value ? *value : std::string();
}

std::vector<std::string> all(const textus::Form& form, std::string_view name) {
    std::vector<std::string> values;
    for (const auto& [n, v] : form.pairs()) {
        if (n == name) values.push_back(v);
    }
    return values;
}

std::string content_type_of(const std::string& url) {
    const auto path = url.substr(0, url.find_first_of("?#"));
    for (const auto& [ext, type] :
         {std::pair{".png", "image/png"}, {".gif", "image/gif"}, {".mp4", "video/mp4"}}) {
        if (path.ends_with(ext)) return type;
    }
    return "image/jpeg";
}

class Sim {
  public:
    explicit Sim(Options options)
        : o_(std::move(options)),
          callback_delay_(o_.callback_delay_ms),
          worker_([this] { run_callbacks(); }) {}

    ~Sim() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        cv_.notify_all();
        worker_.join();
    }

    void install(httplib::Server& server);

  private:
    struct Stored {
        json resource;
        std::vector<std::string> media_urls, media_sids;
        std::string created;  // RFC 3339 UTC: sorts as text
        uint64_t seq;
    };
    struct Rule : sim::Fault {
        int code;
        bool after_create;  // the create is made, then the fault replaces its answer
        bool drop;          // the fault: a connection closed midway through the answer
    };
    struct NumberRule {
        int status, code;
    };
    struct Job {
        std::string sid, status, callback;
    };

    // Records an API request, then applies the failure rules, basic auth and the account: true
    // when the route's handler is to answer. `after`: a fault for after the handler (a create).
    bool admit(const httplib::Request& req, httplib::Response& res, std::optional<Rule>& after);
    void create(const httplib::Request& req, httplib::Response& res);
    void list(const httplib::Request& req, httplib::Response& res);
    void fetch(const httplib::Request& req, httplib::Response& res);
    void media(const httplib::Request& req, httplib::Response& res);
    void fail(const httplib::Request& req, httplib::Response& res);
    // The fault of an act-then-fail rule, in place of the answer the handler gave.
    void fail_after(const Rule& rule, httplib::Response& res);
    void seed(const httplib::Request& req, httplib::Response& res);
    void upload(const httplib::Request& req, httplib::Response& res);
    void cdn(const httplib::Request& req, httplib::Response& res);
    void callbacks(const httplib::Request& req, httplib::Response& res);
    void run_callbacks();
    void advance(const Job& job);

    std::string random_sid(std::string_view prefix);
    std::string media_uri(const Stored& m, size_t i) const;
    json media_json(const Stored& m, size_t i) const;
    Stored& store(json resource, std::vector<std::string> media_urls);  // mu_ held
    Stored* find(std::string_view sid);                                 // mu_ held

    const Options o_;
    sim::Recorder<Rule> recorder_;
    std::mutex mu_;
    std::vector<Stored> messages_;
    uint64_t seq_ = 0;
    std::map<std::string, NumberRule> number_rules_;
    // Media content the simulator holds, by media SID: {type, bytes}; and the short-lived
    // tokens of its CDN URLs, to media SIDs.
    std::map<std::string, std::pair<std::string, std::string>> content_;
    std::map<std::string, std::string> cdn_tokens_;
    bool callbacks_on_ = true;
    std::chrono::milliseconds callback_delay_;
    std::multimap<Clock::time_point, Job> jobs_;
    bool stopping_ = false;
    std::condition_variable cv_;
    std::thread worker_;  // last: it starts running in the constructor
};

std::string Sim::random_sid(std::string_view prefix) {
    return std::string(prefix) + sim::random_hex(32);
}

Sim::Stored& Sim::store(json resource, std::vector<std::string> media_urls) {
    Stored m{std::move(resource), std::move(media_urls), {}, {}, ++seq_};
    const auto sid = m.resource["sid"].get<std::string>();
    for (size_t i = 0; i < m.media_urls.size(); ++i) m.media_sids.push_back(random_sid("ME"));
    m.created =
        textus::twilio::to_rfc3339(m.resource["date_created"].get<std::string>()).value_or("");
    const auto uri = textus::twilio::message_path(o_.account_sid, sid);
    m.resource["uri"] = uri;
    m.resource["subresource_uris"] = {{"media", uri.substr(0, uri.size() - 5) + "/Media.json"}};
    m.resource["num_media"] = std::to_string(m.media_urls.size());
    messages_.push_back(std::move(m));
    return messages_.back();
}

Sim::Stored* Sim::find(std::string_view sid) {
    const auto it = std::find_if(messages_.begin(), messages_.end(),
                                 [&](const Stored& m) { return m.resource["sid"] == sid; });
    return it == messages_.end() ? nullptr : &*it;
}

std::string Sim::media_uri(const Stored& m, size_t i) const {
    const auto uri = m.resource["uri"].get<std::string>();
    return uri.substr(0, uri.size() - 5) + "/Media/" + m.media_sids[i] + ".json";
}

json Sim::media_json(const Stored& m, size_t i) const {
    const auto held = content_.find(m.media_sids[i]);
    return {{"account_sid", o_.account_sid},
            {"content_type",
             held == content_.end() ? content_type_of(m.media_urls[i]) : held->second.first},
            {"date_created", m.resource["date_created"]},
            {"date_updated", m.resource["date_created"]},
            {"parent_sid", m.resource["sid"]},
            {"sid", m.media_sids[i]},
            {"uri", media_uri(m, i)}};
}

bool Sim::admit(const httplib::Request& req, httplib::Response& res, std::optional<Rule>& after) {
    const auto query_start = req.target.find('?');
    const auto query = query_start == std::string::npos
                           ? std::string_view()
                           : std::string_view(req.target).substr(query_start + 1);
    textus::Form query_form, form;
    try {
        query_form = textus::parse_form(query);
        if (textus::has_media_type(req.get_header_value("Content-Type"),
                                   "application/x-www-form-urlencoded")) {
            form = textus::parse_form(req.body, "invalid_form");
        }
    } catch (const textus::HttpError& e) {
        twilio_error(res, 400, 0, e.what());
        return false;
    }
    const bool needs_auth = true;
    const bool auth_ok = sim::basic_auth_ok(req, o_.account_sid, o_.auth_token);
    const bool is_create = req.method == "POST" && req.path.ends_with("/Messages.json");
    const auto rule = recorder_.record(
        {{"method", req.method},
         {"path", req.path},
         {"query", grouped(query_form)},
         {"form", grouped(form)},
         {"authOk", auth_ok},
         {"remotePort", req.remote_port},
         {"receivedAtMs", std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()}},
        // The first rule posted, if it applies: other requests pass an act-then-fail one by.
        [&](std::deque<Rule>& rules) {
            return !rules.empty() && (!rules.front().after_create || is_create) ? rules.begin()
                                                                                : rules.end();
        });
    if (rule) {
        rule->wait();
        if (rule->after_create) {
            after = rule;
        } else if (rule->status) {
            rule->add_retry_after(res);
            twilio_error(res, rule->status, rule->code);
            return false;
        }
    }
    if (needs_auth && !auth_ok) {
        twilio_error(res, 401, 20003);
        return false;
    }
    // Another account's resources: Twilio answers as if they did not exist.
    const auto account_prefix = "/2010-04-01/Accounts/" + o_.account_sid + "/";
    if (req.path.starts_with("/2010-04-01/Accounts/") && !req.path.starts_with(account_prefix)) {
        twilio_error(res, 404, 20404);
        return false;
    }
    return true;
}

void Sim::create(const httplib::Request& req, httplib::Response& res) {
    const auto form = textus::parse_form(req.body, "invalid_form");
    const auto to = first(form, "To");
    const auto from = first(form, "From");
    const auto service = first(form, "MessagingServiceSid");
    const auto body = first(form, "Body");
    auto media = all(form, "MediaUrl");
    if (to.empty()) return twilio_error(res, 400, 21604);
    if (from.empty() && service.empty()) return twilio_error(res, 400, 21603);
    if (body.empty() && media.empty()) return twilio_error(res, 400, 21602);
    static const std::regex kE164(R"(\+[1-9][0-9]{6,14})");
    if (!std::regex_match(to, kE164)) {
        return twilio_error(res, 400, 21211,
                            "The 'To' number " + to + " is not a valid phone number.");
    }
    const auto segments = textus::segments::count(body);
    const auto now = rfc2822_now();
    // Twilio fetches a message's media as it sends it, and fails the message (11200, HTTP
    // retrieval failure) when a URL answers with an error. A host that does not answer at all
    // is let pass: the simulator has no internet, and tests name example.com.
    std::vector<std::optional<std::pair<std::string, std::string>>> fetched;
    bool unretrievable = false;
    for (const auto& url : media) {
        static const std::regex kUrl(R"((https?://[^/?#]+)(/[^#]*)?)");
        std::smatch parts;
        fetched.emplace_back();
        if (!std::regex_match(url, parts, kUrl)) continue;
        httplib::Client client(parts[1].str());
        client.set_connection_timeout(std::chrono::seconds(2));
        client.set_read_timeout(std::chrono::seconds(5));
        client.set_follow_location(true);
        const auto got = client.Get(parts[2].length() ? parts[2].str() : "/");
        if (!got) continue;
        if (got->status < 200 || got->status >= 300) {
            spdlog::info("create: a MediaUrl answered HTTP {}: the message fails", got->status);
            unretrievable = true;
            continue;
        }
        fetched.back() = std::pair(got->get_header_value("Content-Type"), got->body);
    }
    std::lock_guard lock(mu_);
    if (const auto rule = number_rules_.find(to); rule != number_rules_.end()) {
        return twilio_error(res, rule->second.status, rule->second.code);
    }
    json resource{{"account_sid", o_.account_sid},
                  {"api_version", "2010-04-01"},
                  {"body", body},
                  {"date_created", now},
                  {"date_sent", nullptr},
                  {"date_updated", now},
                  {"direction", "outbound-api"},
                  {"error_code", nullptr},
                  {"error_message", nullptr},
                  // A Messaging Service picks its sender when the message is sent.
                  {"from", from.empty() ? json(nullptr) : json(from)},
                  {"messaging_service_sid", service.empty() ? json(nullptr) : json(service)},
                  {"num_segments", std::to_string(segments ? segments->segments : 1)},
                  {"price", nullptr},
                  {"price_unit", "USD"},
                  {"sid", random_sid(media.empty() ? "SM" : "MM")},
                  {"status", from.empty() ? "accepted" : "queued"},
                  {"to", to}};
    auto& m = store(std::move(resource), std::move(media));
    for (size_t i = 0; i < fetched.size(); ++i) {
        if (fetched[i]) content_[m.media_sids[i]] = *fetched[i];
    }
    if (callbacks_on_) {
        const auto callback = first(form, "StatusCallback");
        const auto sid = m.resource["sid"].get<std::string>();
        auto at = Clock::now();
        const auto steps = unretrievable ? std::vector<const char*>{"queued", "failed"}
                                         : std::vector<const char*>{"queued", "sent", "delivered"};
        for (const char* status : steps) {
            at += callback_delay_;
            jobs_.emplace(at, Job{sid, status, callback});
        }
        cv_.notify_all();
    }
    res.status = 201;
    sim::send_json(res, m.resource);
}

void Sim::fetch(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    const auto* m = find(req.matches[2].str());
    if (!m) return twilio_error(res, 404, 20404);
    sim::send_json(res, m->resource);
}

void Sim::list(const httplib::Request& req, httplib::Response& res) {
    const auto query_start = req.target.find('?');
    const auto query = textus::parse_form(
        query_start == std::string::npos ? std::string_view()
                                         : std::string_view(req.target).substr(query_start + 1));
    const auto to = first(query, "To");
    const auto from = first(query, "From");
    const auto token = first(query, "PageToken");
    int page_size = 50, page = 0;
    try {
        if (const auto* v = query.get("PageSize")) page_size = std::stoi(*v);
        if (const auto* v = query.get("Page")) page = std::stoi(*v);
    } catch (const std::exception&) {
        page_size = 0;
    }
    if (page_size < 1 || page_size > 1000 || page < 0) {
        return twilio_error(res, 400, 20001, "Invalid PageSize or Page");
    }
    std::lock_guard lock(mu_);
    std::vector<const Stored*> matching;
    for (const auto& m : messages_) {
        if ((to.empty() || m.resource["to"] == to) &&
            (from.empty() || m.resource["from"] == from)) {
            matching.push_back(&m);
        }
    }
    // Newest first, as Twilio lists them.
    std::sort(matching.begin(), matching.end(), [](const Stored* a, const Stored* b) {
        return std::tie(a->created, a->seq) > std::tie(b->created, b->seq);
    });
    // A PageToken names the last message before the page (PA) or the first after it (PB), so
    // messages arriving meanwhile do not shift the pages of a listing under way.
    const auto position = [&](std::string_view sid) {
        const auto it = std::find_if(matching.begin(), matching.end(),
                                     [&](const Stored* m) { return m->resource["sid"] == sid; });
        return it == matching.end() ? -1 : static_cast<int>(it - matching.begin());
    };
    int start = page * page_size;
    if (token.starts_with("PA") && position(token.substr(2)) >= 0) {
        start = position(token.substr(2)) + 1;
    } else if (token.starts_with("PB") && position(token.substr(2)) >= 0) {
        start = std::max(0, position(token.substr(2)) - page_size);
    }
    start = std::min(start, static_cast<int>(matching.size()));
    const int end = std::min(start + page_size, static_cast<int>(matching.size()));
    const auto uri = [&](int n, std::string page_token) {
        Pairs params;
        if (!to.empty()) params.emplace_back("To", to);
        if (!from.empty()) params.emplace_back("From", from);
        params.emplace_back("PageSize", std::to_string(page_size));
        params.emplace_back("Page", std::to_string(n));
        if (!page_token.empty()) params.emplace_back("PageToken", page_token);
        return req.path + "?" + textus::http_client::form_encode(params);
    };
    json messages = json::array();
    for (int i = start; i < end; ++i) messages.push_back(matching[i]->resource);
    const bool more = end < static_cast<int>(matching.size());
    json answer{
        {"messages", messages},
        {"end", std::max(start, end - 1)},
        {"first_page_uri", uri(0, {})},
        {"next_page_uri",
         more ? json(uri(page + 1, "PA" + matching[end - 1]->resource["sid"].get<std::string>()))
              : json(nullptr)},
        {"page", page},
        {"page_size", page_size},
        {"previous_page_uri",
         page > 0 && start < end
             ? json(uri(page - 1, "PB" + matching[start]->resource["sid"].get<std::string>()))
             : json(nullptr)},
        {"start", start},
        {"uri", uri(page, token)}};
    sim::send_json(res, answer);
}

void Sim::media(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    const auto* m = find(req.matches[2].str());
    if (!m) return twilio_error(res, 404, 20404);
    if (req.matches.size() > 3 && req.matches[3].matched) {
        // A media URL: Twilio redirects to the content on its media host, for a short while;
        // here, to the simulator's own /sim/cdn/ for content it holds, else the URL it came from.
        const auto sid = req.matches[3].str();
        const auto it = std::find(m->media_sids.begin(), m->media_sids.end(), sid);
        if (it == m->media_sids.end()) return twilio_error(res, 404, 20404);
        if (content_.contains(sid)) {
            const auto token = sim::random_hex(32);
            cdn_tokens_[token] = sid;
            return res.set_redirect("/sim/cdn/" + token, 307);
        }
        return res.set_redirect(m->media_urls[it - m->media_sids.begin()], 307);
    }
    json list = json::array();
    for (size_t i = 0; i < m->media_urls.size(); ++i) list.push_back(media_json(*m, i));
    const auto uri = req.path + "?PageSize=50&Page=0";
    sim::send_json(res, json{{"media_list", list},
                             {"end", list.empty() ? 0 : list.size() - 1},
                             {"first_page_uri", uri},
                             {"next_page_uri", nullptr},
                             {"page", 0},
                             {"page_size", 50},
                             {"previous_page_uri", nullptr},
                             {"start", 0},
                             {"uri", uri}});
}

void Sim::fail(const httplib::Request& req, httplib::Response& res) {
    if (req.method == "DELETE") {
        recorder_.clear_rules();
        std::lock_guard lock(mu_);
        number_rules_.clear();
        res.status = 204;
        return;
    }
    const auto body = json::parse(req.body);
    const int code = body.value("code", 0);
    if (body.contains("to")) {
        if (!code) throw std::invalid_argument("a number's rule needs a code");
        std::lock_guard lock(mu_);
        number_rules_[body.at("to").get<std::string>()] = {
            body.value("status", default_status(code)), code};
    } else {
        const int status = body.value("status", code ? default_status(code) : 0);
        const auto after = body.value("after", std::string());
        if (!after.empty() && after != "create") throw std::invalid_argument("after: create");
        const Rule rule{sim::Fault::read(body, status), code ? code : default_code(status),
                        !after.empty(), body.value("drop", false)};
        if (rule.drop && (!rule.after_create || rule.status)) {
            throw std::invalid_argument("drop goes with after: create, without a status");
        }
        if (rule.after_create && !rule.status && !rule.drop) {
            throw std::invalid_argument("after: create needs a status or drop");
        }
        if (!rule.status && !rule.delay_ms && !rule.drop) {
            throw std::invalid_argument("nothing to do");
        }
        recorder_.add_rule(rule);
    }
    res.status = 204;
}

void Sim::fail_after(const Rule& rule, httplib::Response& res) {
    if (rule.drop) {
        // httplib has sent the status line and headers when a content provider fails, and then
        // closes the connection: the client reads no whole answer.
        res.body.clear();
        res.set_content_provider(1, "application/json",
                                 [](size_t, size_t, httplib::DataSink&) { return false; });
        return;
    }
    rule.add_retry_after(res);
    twilio_error(res, rule.status, rule.code);
}

void Sim::seed(const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body);
    const auto& items = body.is_array() ? body : body.at("messages");
    json created = json::array();
    std::lock_guard lock(mu_);
    for (const auto& item : items) {
        const auto direction = item.value("direction", std::string("inbound"));
        const auto text = item.value("body", std::string());
        const auto media = item.value("media_urls", std::vector<std::string>());
        const auto date = item.value("date_created", rfc2822_now());
        if (!textus::twilio::to_rfc3339(date)) throw std::invalid_argument("bad date_created");
        const auto segments = textus::segments::count(text);
        json resource{
            {"account_sid", o_.account_sid},
            {"api_version", "2010-04-01"},
            {"body", text},
            {"date_created", date},
            {"date_sent", item.value("date_sent", date)},
            {"date_updated", item.value("date_updated", date)},
            {"direction", direction},
            {"error_code", item.value("error_code", json(nullptr))},
            {"error_message", item.value("error_message", json(nullptr))},
            {"from", item.at("from")},
            {"messaging_service_sid", item.value("messaging_service_sid", json(nullptr))},
            {"num_segments",
             item.value("num_segments", std::to_string(segments ? segments->segments : 1))},
            {"price", item.value("price", json(nullptr))},
            {"price_unit", item.value("price_unit", std::string("USD"))},
            {"sid", item.value("sid", random_sid(media.empty() ? "SM" : "MM"))},
            {"status", item.value("status", direction == "inbound" ? "received" : "delivered")},
            {"to", item.at("to")}};
        if (!textus::twilio::valid_message_sid(resource["sid"].get<std::string>())) {
            throw std::invalid_argument("bad sid");
        }
        created.push_back(store(std::move(resource), media).resource);
    }
    res.status = 201;
    sim::send_json(res, json{{"messages", created}});
}

void Sim::callbacks(const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body);
    std::lock_guard lock(mu_);
    callbacks_on_ = body.value("enabled", callbacks_on_);
    callback_delay_ = std::chrono::milliseconds(body.value("delayMs", callback_delay_.count()));
    res.status = 204;
}

// One thread posts every callback, in time order: one message's never overtake each other.
void Sim::run_callbacks() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        if (jobs_.empty()) {
            cv_.wait(lock);
            continue;
        }
        const auto next = jobs_.begin()->first;
        if (Clock::now() < next) {
            cv_.wait_until(lock, next);
            continue;
        }
        const auto job = jobs_.begin()->second;
        jobs_.erase(jobs_.begin());
        lock.unlock();
        advance(job);
        lock.lock();
    }
}

void Sim::advance(const Job& job) {
    textus::Form fields;
    {
        std::lock_guard lock(mu_);
        auto* m = find(job.sid);
        if (!m) return;
        auto& r = m->resource;
        const auto now = rfc2822_now();
        r["status"] = job.status;
        r["date_updated"] = now;
        if (job.status == "sent") {
            r["date_sent"] = now;
            if (r["from"].is_null()) r["from"] = o_.phone_number;
            char price[16];
            std::snprintf(price, sizeof price, "-%.5f",
                          0.0079 * std::stoi(r["num_segments"].get<std::string>()));
            r["price"] = price;
        }
        if (job.status == "failed") {
            r["error_code"] = 11200;
            r["error_message"] = "HTTP retrieval failure";
        }
        if (job.callback.empty()) return;
        fields.add("AccountSid", o_.account_sid);
        if (job.status == "failed") fields.add("ErrorCode", "11200");
        fields.add("ApiVersion", "2010-04-01");
        fields.add("From", r["from"].is_null() ? "" : r["from"].get<std::string>());
        fields.add("MessageSid", job.sid);
        fields.add("MessageStatus", job.status);
        if (!r["messaging_service_sid"].is_null()) {
            fields.add("MessagingServiceSid", r["messaging_service_sid"].get<std::string>());
        }
        fields.add("SmsSid", job.sid);
        fields.add("SmsStatus", job.status);
        fields.add("To", r["to"].get<std::string>());
    }
    static const std::regex kUrl(R"((https?://[^/?#]+)([^#]*))");
    std::smatch parts;
    if (!std::regex_match(job.callback, parts, kUrl)) {
        spdlog::warn("callback for {}: StatusCallback is not an http(s) URL", job.sid);
        return;
    }
    httplib::Client client(parts[1].str());
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(5));
    const auto path = parts[2].length() ? parts[2].str() : "/";
    Pairs pairs(fields.pairs().begin(), fields.pairs().end());
    const auto result = client.Post(
        path,
        {{"X-Twilio-Signature", textus::twilio::signature(o_.auth_token, job.callback, fields)},
         {"User-Agent", "TwilioProxy/1.1"}},
        textus::http_client::form_encode(pairs), "application/x-www-form-urlencoded");
    if (!result) {
        spdlog::warn("callback {} for {}: {}", job.status, job.sid,
                     httplib::to_string(result.error()));
    } else {
        spdlog::info("callback {} for {}: HTTP {}", job.status, job.sid, result->status);
    }
}

void Sim::upload(const httplib::Request& req, httplib::Response& res) {
    const auto type = req.get_header_value("Content-Type");
    if (type.empty() || req.body.empty())
        throw std::invalid_argument("a body and its Content-Type");
    std::lock_guard lock(mu_);
    const auto wanted = req.get_param_value("messageSid");
    auto* m = wanted.empty() ? nullptr : find(wanted);
    if (!wanted.empty() && !m) throw std::invalid_argument("no message " + wanted);
    if (!m) {
        const auto from = req.get_param_value("from");
        m = &store(json{{"account_sid", o_.account_sid},
                        {"api_version", "2010-04-01"},
                        {"body", ""},
                        {"date_created", rfc2822_now()},
                        {"date_sent", rfc2822_now()},
                        {"date_updated", rfc2822_now()},
                        {"direction", "inbound"},
                        {"from", from.empty() ? "+15005550000" : from},
                        {"to", o_.phone_number},
                        {"sid", random_sid("MM")},
                        {"status", "received"},
                        {"num_segments", "1"}},
                   {});
    }
    const auto sid = random_sid("ME");
    m->media_urls.push_back("sim:" + sid);
    m->media_sids.push_back(sid);
    m->resource["num_media"] = std::to_string(m->media_sids.size());
    content_[sid] = {type, req.body};
    const auto uri = m->resource["uri"].get<std::string>();
    sim::send_json(res, json{{"messageSid", m->resource["sid"]},
                             {"mediaSid", sid},
                             {"url", "http://" + req.get_header_value("Host") +
                                         uri.substr(0, uri.size() - 5) + "/Media/" + sid}});
}

void Sim::cdn(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    const auto token = cdn_tokens_.find(req.matches[1].str());
    if (token == cdn_tokens_.end()) {
        res.status = 403;  // as an expired or forged signed URL at the media host
        return;
    }
    const auto& [type, bytes] = content_.at(token->second);
    res.set_content(bytes, type);
}

void Sim::install(httplib::Server& server) {
    // API routes pass admit() first (not in a pre-routing handler: that runs before the body is
    // read, and could not record the form); hooks do not.
    const auto api = [this](auto handler) {
        return [this, handler](const httplib::Request& req, httplib::Response& res) {
            std::optional<Rule> after;
            if (!admit(req, res, after)) return;
            if constexpr (std::is_member_function_pointer_v<decltype(handler)>) {
                (this->*handler)(req, res);
            } else {
                handler(req, res);
            }
            if (after) fail_after(*after, res);
        };
    };
    server.Post(kPrefix + "/Messages\\.json", api(&Sim::create));
    server.Get(kPrefix + "/Messages\\.json", api(&Sim::list));
    server.Get(kPrefix + "/Messages/" + kMessageSid + "\\.json", api(&Sim::fetch));
    server.Get(kPrefix + "/Messages/" + kMessageSid + "/Media\\.json", api(&Sim::media));
    server.Get(kPrefix + "/Messages/" + kMessageSid + "/Media/(ME" + kSidHex + ")",
               api(&Sim::media));
    // Any other API path is recorded, and not found, as at Twilio.
    const auto unknown = [](const httplib::Request& req, httplib::Response& res) {
        twilio_error(res, 404, 20404, "The requested resource " + req.path + " was not found");
    };
    server.Get("/2010-04-01/.*", api(unknown));
    server.Post("/2010-04-01/.*", api(unknown));
    server.Delete("/2010-04-01/.*", api(unknown));
    recorder_.install(server);
    server.Post("/sim/fail", sim::handler(this, &Sim::fail));
    server.Delete("/sim/fail", sim::handler(this, &Sim::fail));
    server.Post("/sim/messages", sim::handler(this, &Sim::seed));
    server.Post("/sim/callbacks", sim::handler(this, &Sim::callbacks));
    server.Post("/sim/media", sim::handler(this, &Sim::upload));
    server.Get("/sim/cdn/([0-9a-f]{32})", sim::handler(this, &Sim::cdn));
    sim::answer_errors(
        server,
        {.exception =
             [](const httplib::Request& req, httplib::Response& res, const std::string& what) {
                 if (req.path.starts_with("/sim/")) {
                     res.status = 400;
                     sim::send_json(res, json{{"error", what}});
                 } else {
                     twilio_error(res, 400, 0, what);
                 }
             },
         .not_found =
             [](const httplib::Request& req, httplib::Response& res) {
                 twilio_error(res, 404, 20404,
                              "The requested resource " + req.path + " was not found");
             }});
}

const char* kUsage =
    "usage: twilio-sim [--host H] [--port P] [--account-sid AC...] [--auth-token T]\n"
    "                  [--phone-number +1...] [--ready-file F] [--callback-delay-ms D]\n"
    "Environment: TWILIO_SIM_HOST, TWILIO_SIM_PORT, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,\n"
    "TWILIO_PHONE_NUMBER, TWILIO_SIM_READY_FILE, TWILIO_SIM_CALLBACK_DELAY_MS, LOG_LEVEL.\n"
    "Port 0 (the default) takes any free port. When ready it prints, and writes to the ready\n"
    "file, \"listening on http://HOST:PORT\".\n";

Options parse_options(int argc, char** argv) {
    Options o;
    const sim::Setting settings[] = {
        {"host", "TWILIO_SIM_HOST", &o.listen.host},
        {"port", "TWILIO_SIM_PORT", &o.listen.port},
        {"account-sid", "TWILIO_ACCOUNT_SID", &o.account_sid},
        {"auth-token", "TWILIO_AUTH_TOKEN", &o.auth_token},
        {"phone-number", "TWILIO_PHONE_NUMBER", &o.phone_number},
        {"ready-file", "TWILIO_SIM_READY_FILE", &o.listen.ready_file},
        {"callback-delay-ms", "TWILIO_SIM_CALLBACK_DELAY_MS", &o.callback_delay_ms}};
    sim::read_settings(argc, argv, settings, kUsage);
    if (!std::regex_match(o.account_sid, std::regex("AC" + kSidHex)) || o.auth_token.empty() ||
        o.listen.port < 0 || o.listen.port > 65535 || o.callback_delay_ms < 0) {
        std::cerr << "twilio-sim: bad account SID, auth token, port or delay\n" << kUsage;
        std::exit(2);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    sim::Process process("twilio-sim");
    auto& server = process.server;
    // Connections are kept alive, as a real server keeps them, for the clients' pools. An idle
    // one holds a worker, and holds up a stop, until it times out: 1 s, and workers enough for
    // every client of the local stack (its handlers' processes and run-due's senders).
    server.set_keep_alive_timeout(1);
    // An answer goes in two writes, headers then body: on a kept-alive connection Nagle would
    // hold the body until the client's delayed acknowledgement, 40 ms a request.
    server.set_tcp_nodelay(true);
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };
    Sim twilio(options);  // after the process: its callback thread inherits the signal block
    twilio.install(server);
    return process.serve(options.listen);
}
