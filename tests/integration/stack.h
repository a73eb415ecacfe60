// The real stack for integration tests: deploy/up on a free port and a private state
// directory (its own PostgreSQL, nginx with nchan, handlers under spawn-fcgi), started once
// per test process and stopped with deploy/down at exit. Tests speak HTTP to nginx.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace textus::test {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;                     // one value per name
    std::vector<std::pair<std::string, std::string>> header_lines;  // every header, as sent
    std::string body;
    // The body parsed once; it lives as long as the Reply, so that
    // `for (const auto& c : reply.json()["contacts"])` is safe.
    nlohmann::json& json() const;
    // How many headers named `name` (case-insensitive) the answer had.
    size_t header_count(const std::string& name) const;

  private:
    mutable std::optional<nlohmann::json> parsed_;
};

struct CommandResult {
    int exit_code;
    std::string output;  // stdout
};

// Runs a shell command, capturing stdout.
CommandResult run(const std::string& command);

// `text` for a query string: all but ASCII letters, digits and "-._" percent-encoded.
std::string url_encode(const std::string& text);

// A whole file ("" when it cannot be read): logs, pid files, /proc entries.
std::string read_file(const std::string& path);

class Stack {
  public:
    static Stack& get();
    ~Stack();

    // One HTTP request to nginx. `auth` is the bearer key ("" sends no Authorization);
    // `headers` are added as given.
    Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::string& auth = "<staff>",
                  const std::string& content_type = "application/json",
                  const std::vector<std::pair<std::string, std::string>>& headers = {});

    // One value (first column of the first row) of a query on the stack's database, as text;
    // "" for NULL or no row.
    std::string query(const std::string& sql);

    // A request to the stack's Twilio simulator (its /sim/ hooks: recorded requests, failures
    // on demand, history): the JSON it answered, null for an empty body. Throws when the hook
    // failed.
    nlohmann::json twilio_sim(const std::string& method, const std::string& path,
                              const nlohmann::json& body = nullptr);

    // The messages the Twilio simulator was asked to create for `to`, as it recorded the
    // requests ({method, path, form: {Name: [values]}}), oldest first.
    std::vector<nlohmann::json> twilio_creates_to(const std::string& to);

    // Runs textus-admin as deploy/up does, as the owner of the tables.
    CommandResult admin(const std::string& args);

    void stop_postgres();
    void start_postgres();

    // deploy/handler: stops the handler NAME (its socket goes too), or stops it and starts it
    // again with its environment changed by `env_prefix`, words for env(1) such as
    // "env -u DATABASE_URL" or "LOG_LEVEL=debug", or with the stack's normal environment.
    void stop_handler(const std::string& name);
    void restart_handler(const std::string& name, const std::string& env_prefix);
    void restart_handler(const std::string& name);
    // The handler processes of NAME (multiwatch's children).
    std::vector<int> handler_pids(const std::string& name);

    std::string state_dir;
    std::string database_url;        // superuser: tests inspect and change anything
    std::string owner_database_url;  // textus_owner: migrations and textus-admin
    std::string app_database_url;    // textus: the handlers' role
    std::string staff_key;
    std::string bin_dir;
    int port = 0;
    int publish_port = 0;  // nchan's publisher, loopback only
    int sim_port = 0;      // the Twilio simulator, the handlers' TWILIO_API_BASE
    int c7_sim_port = 0;   // the Commerce7 simulator, the handlers' COMMERCE7_API_BASE

  private:
    Stack();
};

}  // namespace textus::test
