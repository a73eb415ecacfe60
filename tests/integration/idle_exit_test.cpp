// Scale to zero (issue 26; docs/decisions.md, Scale to zero): a handler with TEXTUS_IDLE_EXIT=1
// under multiwatch, as its systemd unit runs it, started by socket-holder as systemd's socket
// unit starts it (systemd cannot run here), behind the stack's nginx.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using namespace textus::test;
using namespace std::chrono_literals;

namespace {

const std::string kHandler = "templates";

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// The stack's templates handler, replaced for a test case by socket-holder running it with the
// environment deploy/handler gave it and TEXTUS_IDLE_EXIT=1; deploy/handler's again afterwards.
class IdleService {
  public:
    IdleService() : holder_(start()) {
        REQUIRE(wait_for([&] { return read_file(out_).starts_with("listening\n"); }, 5s));
    }
    ~IdleService() {
        holder_.stop();
        try {
            stack().restart_handler(kHandler);
        } catch (...) {
        }
    }

    // How many times the service has started and ended.
    int started() const { return count("started"); }
    int ended() const { return count("ended"); }
    // The holder's output, with the handler's log lines.
    std::string output() const { return read_file(out_); }
    int stop() { return holder_.stop(); }

    std::string run = stack().state_dir + "/run/" + kHandler;

  private:
    Child start() {
        const auto pids = stack().handler_pids(kHandler);
        REQUIRE_FALSE(pids.empty());
        std::vector<std::string> environment;
        std::istringstream entries(read_file("/proc/" + std::to_string(pids[0]) + "/environ"));
        for (std::string entry; std::getline(entries, entry, '\0');) {
            if (!entry.empty()) environment.push_back(entry);
        }
        REQUIRE_FALSE(environment.empty());
        stack().stop_handler(kHandler);
        std::remove(out_.c_str());  // an earlier case's "listening" is not this holder's
        return Child(
            {stack().bin_dir + "/socket-holder", run + ".sock", run + ".pid", "/usr/bin/multiwatch",
             "-f", "2", "--", stack().bin_dir + "/textus-" + kHandler},
            with_settings(environment, {"TEXTUS_IDLE_EXIT=1"}), out_);
    }
    int count(const std::string& word) const {
        std::istringstream lines(output());
        int n = 0;
        for (std::string line; std::getline(lines, line);) n += line.starts_with(word + " ");
        return n;
    }

    std::string out_ = stack().state_dir + "/log/" + kHandler + "-holder.log";
    Child holder_;
};

// A staff request's status; 0 when no answer came.
int status_of(const std::string& method, const std::string& path,
              const nlohmann::json& body = nullptr) {
    try {
        return call(method, path, body).status;
    } catch (const std::exception&) {
        return 0;
    }
}

int get_templates() {
    return status_of("GET", "/api/crm/sms/templates");
}

}  // namespace

TEST_CASE("idle processes exit together and the next connection starts them again", "[idle_exit]") {
    IdleService service;
    CHECK(service.started() == 0);  // nothing runs until a connection comes

    // The first connection starts the service: multiwatch and its two processes.
    CHECK(stack().request("GET", "/api/health/" + kHandler, "", "").status == 200);
    const auto last_request = std::chrono::steady_clock::now();
    CHECK(get_templates() == 200);
    CHECK(service.started() == 1);
    const auto main_pid = std::stoi(read_file(service.run + ".pid"));
    CHECK(stack().handler_pids(kHandler).size() == 2);

    // A second without a connection: every process exits, cleanly, and the service with them.
    // A process counts from the last connection it saw come or answered, which can be a little
    // before the last request began (the other process took it): hence 0.9 s.
    REQUIRE(wait_for([&] { return service.ended() == 1; }, 5s));
    const auto idle = std::chrono::steady_clock::now() - last_request;
    CHECK(idle >= 900ms);
    CHECK(idle < 3s);
    CHECK(service.output().find("ended " + std::to_string(main_pid) + " 0\n") != std::string::npos);
    CHECK(kill(-main_pid, 0) != 0);  // no process left in its group
    CHECK(service.output().find("no connection for 1 s: the service stops") != std::string::npos);

    // The next request is answered by a new service.
    CHECK(get_templates() == 200);
    CHECK(service.started() == 2);

    // A stream from two clients whose pauses end after an idle exit or just as the processes
    // time out: none is lost or answered 5xx, and the service starts again each time.
    const auto exits_before = service.ended();
    std::vector<int> statuses[2];
    std::vector<std::thread> clients;
    for (auto& seen : statuses) {
        clients.emplace_back([&seen] {
            for (const auto pause : {1400ms, 1000ms, 1400ms, 980ms, 1020ms}) {
                for (int i = 0; i < 4; ++i) seen.push_back(get_templates());
                std::this_thread::sleep_for(pause);
            }
            for (int i = 0; i < 4; ++i) seen.push_back(get_templates());
        });
    }
    for (auto& client : clients) client.join();
    for (const auto& seen : statuses) {
        CHECK(seen.size() == 24);
        for (const auto status : seen) CHECK(status == 200);
    }
    CHECK(service.ended() - exits_before >= 2);
    CHECK(service.stop() == 0);
}

TEST_CASE("an idle process stops the service only after the request in flight in another",
          "[idle_exit]") {
    IdleService service;
    const auto name = "Idle exit " + new_sid("T").substr(0, 12);
    const auto created = call("POST", "/api/crm/sms/templates", {{"name", name}, {"body", "Held"}});
    REQUIRE(created.status == 201);
    const auto path =
        "/api/crm/sms/templates/" + std::to_string(created.json()["template"]["id"].get<long>());
    CHECK(service.started() == 1);

    // One process's PUT waits for the row, locked by another session, while the other process
    // times out and stops the service.
    pqxx::connection owner(stack().database_url);
    pqxx::work lock(owner);
    lock.exec("SELECT 1 FROM sms_templates WHERE id = " + path.substr(path.rfind('/') + 1) +
              " FOR UPDATE");
    int put = -1, get = -1;
    std::thread in_flight([&] {
        put = status_of("PUT", path, {{"name", name}, {"body", "Done"}});
    });
    REQUIRE(
        wait_for([] { return q("SELECT count(*) FROM pg_locks WHERE NOT granted") == "1"; }, 5s));
    REQUIRE(wait_for(
        [&] {
            return service.output().find("no connection for 1 s: the service stops") !=
                   std::string::npos;
        },
        5s));
    // A request meanwhile waits in the socket's backlog: nothing accepts it now.
    std::thread waiting([&] { get = get_templates(); });
    std::this_thread::sleep_for(300ms);
    CHECK(service.ended() == 0);  // the PUT holds the service
    lock.commit();
    in_flight.join();
    waiting.join();
    CHECK(put == 200);
    CHECK(get == 200);
    CHECK(service.started() == 2);  // answered by the next service
    CHECK(call("GET", path).json()["template"]["body"] == "Done");
    CHECK(call("DELETE", path).status == 200);
}
