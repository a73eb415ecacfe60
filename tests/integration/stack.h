// The real stack for integration tests: deploy/up on a free port and a private state
// directory (its own PostgreSQL, nginx with nchan, handlers under spawn-fcgi), started once
// per test process and stopped with deploy/down at exit. Tests speak HTTP to nginx.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace textus::test {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    nlohmann::json json() const;
};

struct CommandResult {
    int exit_code;
    std::string output;  // stdout
};

// Runs a shell command, capturing stdout.
CommandResult run(const std::string& command);

class Stack {
  public:
    static Stack& get();
    ~Stack();

    // One HTTP request to nginx. `auth` is the bearer key ("" sends no Authorization).
    Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::string& auth = "<staff>",
                  const std::string& content_type = "application/json");

    // One value (first column of the first row) of a query on the stack's database, as text;
    // "" for NULL or no row.
    std::string query(const std::string& sql);

    // Runs textus-admin with the stack's DATABASE_URL.
    CommandResult admin(const std::string& args);

    void stop_postgres();
    void start_postgres();

    std::string state_dir;
    std::string database_url;
    std::string staff_key;
    std::string bin_dir;
    int port = 0;

  private:
    Stack();
};

}  // namespace textus::test
