// What the simulators (twilio-sim, commerce7-sim) share. Each fakes an outside service's HTTP API
// for the tests and the local stack, records every API request and fails on demand through
// hooks under /sim/, a path the service does not use. Here: the settings from flags and the
// environment, the process (its log, the ready line, a clean stop on SIGTERM or SIGINT), the
// record of API requests with the rules posted to /sim/fail, the answers no route gives, and
// small helpers. Each simulator keeps its API's routes, state, error bodies and the shape of
// what it records.
#pragma once

#include <httplib.h>

#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace textus::sim {

using nlohmann::json;

// `body` as the answer, application/json.
void send_json(httplib::Response& res, const json& body);

// Whether the request carries HTTP Basic credentials `user`:`password`.
bool basic_auth_ok(const httplib::Request& req, const std::string& user,
                   const std::string& password);

// `n` random hex digits, lowercase.
std::string random_hex(size_t n);

// The time now in UTC, formatted by strftime's `format`.
std::string utc_now(const char* format);

// A setting given by the flag --FLAG VALUE or, failing that, by the environment variable ENV
// when set and not empty. A number is read as atoi reads it.
struct Setting {
    std::string_view flag;  // without "--"
    const char* env;
    std::variant<std::string*, int*> value;
};

// Reads `settings` from the environment, then from the flags over it. --help prints `usage`
// and exits 0; a flag without a value, or not among `settings`, prints it and exits 2.
void read_settings(int argc, char** argv, std::span<const Setting> settings, const char* usage);

// Where a simulator listens.
struct Listen {
    std::string host = "127.0.0.1";
    int port = 0;            // 0: any free port, printed when ready
    std::string ready_file;  // "": none
};

// A simulator's process: its log (LOG_LEVEL, info by default), one line per request, and its
// HTTP server, which a SIGTERM or SIGINT stops cleanly (exit 0).
class Process {
  public:
    // Starts the log as `name`, and blocks SIGTERM and SIGINT for serve()'s one thread that
    // takes them (sigwait): made before any other thread starts, so that each inherits the
    // block. Ignores SIGPIPE: a peer that closed its socket must not kill the simulator.
    explicit Process(std::string name);

    // Binds `listen`; when it accepts connections prints, and writes to the ready file,
    // "listening on http://HOST:PORT"; serves until a stop signal. The exit status.
    int serve(const Listen& listen);

    httplib::Server server;

  private:
    std::string name_;
};

// The API's own error answers for what no route answers.
struct ErrorAnswers {
    // An exception a route threw (a hook given bad JSON, a form that is not UTF-8): 400 with
    // its message.
    std::function<void(const httplib::Request&, httplib::Response&, const std::string& message)>
        exception;
    // A path that no route has, outside /sim/: 404.
    std::function<void(const httplib::Request&, httplib::Response&)> not_found;
};
void answer_errors(httplib::Server& server, ErrorAnswers answers);

// What every rule posted to /sim/fail says: the next `remaining` API requests it applies to
// wait `delay_ms`, then answer `status` (0: as usual) with Retry-After `retry_after` (-1: none).
// A simulator's rule derives from it with what its own API can be made to do.
struct Fault {
    int remaining = 1;
    int status = 0;
    int delay_ms = 0;
    int retry_after = -1;

    // "count", "delayMs" and "retryAfter" of a POST /sim/fail body, with `status` as the
    // simulator reads it.
    static Fault read(const json& body, int status);
    void wait() const;
    void add_retry_after(httplib::Response& res) const;
};

// The API requests a simulator received (GET /sim/requests; DELETE clears it) and the rules
// posted to /sim/fail, under one lock: a request is recorded and takes its rule at once, so that
// the record's order is the order the rules were used in.
template <typename Rule>
class Recorder {
  public:
    // GET and DELETE /sim/requests.
    void install(httplib::Server& server) {
        server.Get("/sim/requests", [this](const httplib::Request&, httplib::Response& res) {
            std::lock_guard lock(mu_);
            send_json(res, json{{"requests", requests_}});
        });
        server.Delete("/sim/requests", [this](const httplib::Request&, httplib::Response& res) {
            std::lock_guard lock(mu_);
            requests_ = json::array();
            res.status = 204;
        });
    }

    // Records `request`, in the simulator's shape, and takes one use of the rule `choose` picks
    // from those posted, in order (an iterator; end(): none). A rule used up is dropped.
    template <typename Choose>
    std::optional<Rule> record(json request, Choose choose) {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(request));
        const auto it = choose(rules_);
        if (it == rules_.end()) return std::nullopt;
        Rule rule = *it;
        if (--it->remaining <= 0) rules_.erase(it);
        return rule;
    }

    void add_rule(Rule rule) {
        std::lock_guard lock(mu_);
        rules_.push_back(std::move(rule));
    }

    void clear_rules() {
        std::lock_guard lock(mu_);
        rules_.clear();
    }

  private:
    std::mutex mu_;
    json requests_ = json::array();
    std::deque<Rule> rules_;
};

// A route's handler that calls `member` of `sim`.
template <typename Sim>
httplib::Server::Handler handler(Sim* sim,
                                 void (Sim::*member)(const httplib::Request&, httplib::Response&)) {
    return [sim, member](const httplib::Request& req, httplib::Response& res) {
        (sim->*member)(req, res);
    };
}

}  // namespace textus::sim
