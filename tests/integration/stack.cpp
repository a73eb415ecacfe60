#include "tests/integration/stack.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "tests/integration/sim_process.h"

namespace textus::test {

namespace {

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        throw std::runtime_error("no free port");
    }
    close(fd);
    return ntohs(address.sin_port);
}

std::string line_after(const std::string& text, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("(^|\n)" + label + ": ([^\n]+)"))) return {};
    return m.str(2);
}

// The environment of every deploy/ script the stack runs: the handlers get deploy/handler's
// defaults (DATABASE_URL as the role textus), whatever the test's own environment holds.
std::string env_prefix(const Stack& s) {
    return "env -u DATABASE_URL -u TEXTUS_ADMIN_DATABASE_URL TEXTUS_STATE='" + s.state_dir +
           "' TEXTUS_PORT=" + std::to_string(s.port) +
           " TEXTUS_PUBLISH_PORT=" + std::to_string(s.publish_port) +
           " TEXTUS_SIM_PORT=" + std::to_string(s.sim_port) +
           " TEXTUS_C7_SIM_PORT=" + std::to_string(s.c7_sim_port) + " TEXTUS_BIN_DIR='" +
           s.bin_dir +
           "' LOG_LEVEL=debug"
           // Tests stand for many visitors behind a proxy on loopback: X-Forwarded-For names
           // each one (rate limits and consent are per client).
           " TEXTUS_TRUSTED_PROXIES=127.0.0.1"
           // The outbox, scheduled sends and campaigns go when a test runs textus-admin run-due
           // (or its own textus-admin work), not when deploy/worker would.
           " TEXTUS_WORKER=off"
           // Every test's initiates fit in the hour; the budget's own test sets a small one.
           " INITIATE_HOURLY_LIMIT=1000 ";
}

void must_run(const std::string& command, const std::string& what) {
    if (run(command).exit_code != 0) throw std::runtime_error("could not " + what);
}

}  // namespace

nlohmann::json& Reply::json() const {
    if (!parsed_) parsed_ = nlohmann::json::parse(body);
    return *parsed_;
}

size_t Reply::header_count(const std::string& name) const {
    return std::count_if(header_lines.begin(), header_lines.end(), [&](const auto& header) {
        return strcasecmp(header.first.c_str(), name.c_str()) == 0;
    });
}

CommandResult run(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed");
    std::string output;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string url_encode(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Stack& Stack::get() {
    static Stack stack;
    return stack;
}

Stack::Stack() {
    char dir[] = "/tmp/textus-it-XXXXXX";
    if (!mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
    chmod(dir, 0755);  // PostgreSQL and nginx run as their own users under root
    state_dir = dir;
    bin_dir = TEXTUS_BIN_DIR;
    port = free_port();
    do {
        publish_port = free_port();
    } while (publish_port == port);
    do {
        sim_port = free_port();
    } while (sim_port == port || sim_port == publish_port);
    do {
        c7_sim_port = free_port();
    } while (c7_sim_port == port || c7_sim_port == publish_port || c7_sim_port == sim_port);
    const auto socket = "postgresql:///textus?host=" + state_dir + "/pgsock&user=";
    database_url = socket + "postgres";
    owner_database_url = socket + "textus_owner";
    app_database_url = socket + "textus";
    const auto up = run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/up");
    staff_key = line_after(up.output, "staff key");
    if (up.exit_code != 0 || staff_key.empty() || line_after(up.output, "url").empty()) {
        throw std::runtime_error("deploy/up failed (exit " + std::to_string(up.exit_code) +
                                 "); see " + state_dir + "/log");
    }
}

Stack::~Stack() {
    run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/down >/dev/null 2>&1");
    if (!std::getenv("TEXTUS_KEEP_STATE")) run("rm -rf '" + state_dir + "'");
}

Reply Stack::request(const std::string& method, const std::string& path, const std::string& body,
                     const std::string& auth, const std::string& content_type,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!body.empty() || !content_type.empty()) req.set_header("Content-Type", content_type);
    const auto key = auth == "<staff>" ? staff_key : auth;
    if (!key.empty()) req.set_header("Authorization", "Bearer " + key);
    for (const auto& [name, value] : headers) req.set_header(name, value);
    const auto result = client.send(req);
    if (!result) throw std::runtime_error("no answer from nginx for " + method + " " + path);
    Reply reply;
    reply.status = result->status;
    reply.body = result->body;
    for (const auto& [name, value] : result->headers) {
        reply.headers[name] = value;
        reply.header_lines.emplace_back(name, value);
    }
    return reply;
}

nlohmann::json Stack::twilio_sim(const std::string& method, const std::string& path,
                                 const nlohmann::json& body) {
    return sim_hook("http://127.0.0.1:" + std::to_string(sim_port), method, path, body);
}

std::vector<nlohmann::json> Stack::twilio_creates_to(const std::string& to) {
    std::vector<nlohmann::json> out;
    const auto recorded = twilio_sim("GET", "/sim/requests");
    for (const auto& r : recorded["requests"]) {
        if (r["method"] == "POST" && r["path"].get<std::string>().ends_with("/Messages.json") &&
            r["form"].contains("To") && r["form"]["To"][0] == to) {
            out.push_back(r);
        }
    }
    return out;
}

std::string Stack::query(const std::string& sql) {
    pqxx::connection connection(database_url);
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec(sql);
    if (rows.empty() || rows[0][0].is_null()) return {};
    return rows[0][0].as<std::string>();
}

CommandResult Stack::admin(const std::string& args) {
    return run("DATABASE_URL='" + owner_database_url + "' " + bin_dir + "/textus-admin " + args);
}

void Stack::stop_postgres() {
    must_run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/postgres stop", "stop PostgreSQL");
}

void Stack::start_postgres() {
    must_run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/postgres start", "start PostgreSQL");
}

void Stack::stop_handler(const std::string& name) {
    must_run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/handler stop " + name,
             "stop handler " + name);
}

void Stack::restart_handler(const std::string& name, const std::string& handler_env) {
    // start stops the running one first.
    must_run(
        env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/handler start " + name + " " + handler_env,
        "restart handler " + name);
}

void Stack::restart_handler(const std::string& name) {
    restart_handler(name, "");
}

std::vector<int> Stack::handler_pids(const std::string& name) {
    const auto listed = run("pgrep -P \"$(cat '" + state_dir + "/run/" + name + ".pid')\"");
    std::vector<int> pids;
    std::istringstream lines(listed.output);
    for (int pid; lines >> pid;) pids.push_back(pid);
    return pids;
}

}  // namespace textus::test
