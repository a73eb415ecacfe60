#include "tests/integration/stack.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <regex>
#include <stdexcept>

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

std::string env_prefix(const Stack& s) {
    return "TEXTUS_STATE='" + s.state_dir + "' TEXTUS_PORT=" + std::to_string(s.port) +
           " TEXTUS_BIN_DIR='" + s.bin_dir + "' DATABASE_URL='" + s.database_url + "' ";
}

}  // namespace

nlohmann::json Reply::json() const {
    return nlohmann::json::parse(body);
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
    database_url = "postgresql:///textus?host=" + state_dir + "/pgsock&user=postgres";
    const auto up = run(env_prefix(*this) + "LOG_LEVEL=debug " TEXTUS_SOURCE_DIR "/deploy/up");
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
                     const std::string& auth, const std::string& content_type) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10, 0);
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!body.empty() || !content_type.empty()) req.set_header("Content-Type", content_type);
    const auto key = auth == "<staff>" ? staff_key : auth;
    if (!key.empty()) req.set_header("Authorization", "Bearer " + key);
    const auto result = client.send(req);
    if (!result) throw std::runtime_error("no answer from nginx for " + method + " " + path);
    Reply reply{result->status, {}, result->body};
    for (const auto& [name, value] : result->headers) reply.headers[name] = value;
    return reply;
}

std::string Stack::query(const std::string& sql) {
    pqxx::connection connection(database_url);
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec(sql);
    if (rows.empty() || rows[0][0].is_null()) return {};
    return rows[0][0].as<std::string>();
}

CommandResult Stack::admin(const std::string& args) {
    return run("DATABASE_URL='" + database_url + "' " + bin_dir + "/textus-admin " + args);
}

void Stack::stop_postgres() {
    if (run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/postgres stop").exit_code != 0) {
        throw std::runtime_error("could not stop PostgreSQL");
    }
}

void Stack::start_postgres() {
    if (run(env_prefix(*this) + TEXTUS_SOURCE_DIR "/deploy/postgres start").exit_code != 0) {
        throw std::runtime_error("could not start PostgreSQL");
    }
}

}  // namespace textus::test
