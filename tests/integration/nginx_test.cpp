// What nginx answers and logs itself (docs/decisions.md, nginx and logs): JSON errors under
// /api/ with exactly one Cache-Control, a dead or stuck handler, restarting a handler, HEAD,
// long-polls per client address and with a browser's headers, and no personal data in any log
// file of the stack.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <regex>
#include <thread>

#include "tests/integration/long_poll.h"
#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using textus::test::new_phone;
using textus::test::read_file;
using textus::test::Reply;
using textus::test::signed_query;
using textus::test::Stack;
using textus::test::unix_now;
using textus::test::url_encode;

namespace {

Stack& stack() {
    return Stack::get();
}

// nginx/textus-headers.conf.in, on every answer: once each, and no HSTS over plain HTTP.
void check_security_headers(const Reply& reply) {
    CHECK(reply.header_count("Content-Security-Policy") == 1);
    CHECK(reply.headers.at("Content-Security-Policy").starts_with("default-src 'self';"));
    CHECK(reply.headers.at("X-Content-Type-Options") == "nosniff");
    CHECK(reply.headers.at("Referrer-Policy") == "no-referrer");
    CHECK(reply.header_count("Strict-Transport-Security") == 0);
}

// An answer nginx made itself: contract.md §4's JSON error, not cached, with the request id.
void check_nginx_error(const Reply& reply, int status, const std::string& code) {
    INFO(reply.status << " " << reply.body);
    CHECK(reply.status == status);
    CHECK(reply.headers.at("Content-Type") == "application/json; charset=utf-8");
    CHECK(reply.header_count("Cache-Control") == 1);
    CHECK(reply.headers.at("Cache-Control") == "no-store");
    CHECK(std::regex_match(reply.headers.at("X-Request-Id"), std::regex("[0-9a-f]{32}")));
    check_security_headers(reply);
    const auto body = json::parse(reply.body);
    CHECK(body["success"] == false);
    CHECK(body["error"]["code"] == code);
    CHECK(body["error"]["message"].is_string());
}

// A handler's answer: its own Cache-Control, and none added by nginx.
void check_handler_answer(const Reply& reply, int status) {
    INFO(reply.status << " " << reply.body);
    CHECK(reply.status == status);
    CHECK(reply.header_count("Cache-Control") == 1);
    CHECK(reply.headers.at("Cache-Control") == "no-store");
    CHECK(reply.header_count("X-Request-Id") == 1);
    CHECK(reply.headers.at("Content-Type") == "application/json; charset=utf-8");
    check_security_headers(reply);
}

// Waits until the handler has logged the request (it logs after answering).
void wait_for_handler_log(const std::string& name, const std::string& request_id) {
    const auto path = stack().state_dir + "/log/" + name + ".log";
    for (int i = 0; i < 50 && read_file(path).find("rid=" + request_id) == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
}

// The access log's line for a request (nginx writes it just after answering).
std::string access_log_line(const std::string& request_id) {
    const std::regex line("[^\n]* rid=" + request_id + "\n");
    std::smatch m;
    for (int i = 0; i < 50; ++i) {
        const auto log = read_file(stack().state_dir + "/log/nginx-access.log");
        if (std::regex_search(log, m, line)) return m.str();
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    return "";
}

// Every "file: secret" found in a file under the stack's log/ directory.
std::string logs_holding(const std::vector<std::string>& secrets) {
    std::string found;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(stack().state_dir + "/log")) {
        if (!entry.is_regular_file()) continue;
        const auto text = read_file(entry.path());
        for (const auto& secret : secrets) {
            if (text.find(secret) != std::string::npos) {
                found += entry.path().filename().string() + ": " + secret + "\n";
            }
        }
    }
    return found;
}

// Restores the handler's normal processes however the test ends.
struct RestartAtExit {
    std::string name;
    ~RestartAtExit() { stack().restart_handler(name); }
};

// Waits until multiwatch has forked its two children.
std::vector<int> wait_for_handler_pids(const std::string& name) {
    auto pids = stack().handler_pids(name);
    for (int i = 0; i < 50 && pids.size() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        pids = stack().handler_pids(name);
    }
    return pids;
}

std::string environment_of(int pid) {
    auto text = read_file("/proc/" + std::to_string(pid) + "/environ");
    std::replace(text.begin(), text.end(), '\0', '\n');
    return "\n" + text;
}

// One connection to nginx that sends bytes as written: request lines and headers httplib would
// not send, and long-polls held open without reading.
class RawConnection {
  public:
    RawConnection() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(stack().port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("cannot connect to nginx");
        }
    }
    ~RawConnection() { close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    void send(const std::string& bytes) {
        for (size_t sent = 0; sent < bytes.size();) {
            const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("cannot send to nginx");
            sent += static_cast<size_t>(n);
        }
    }

    // What nginx answered by the time it closed the connection (the request said
    // Connection: close), status 0 when nothing came within 5 s.
    Reply reply() {
        std::string raw;
        char buffer[4096];
        pollfd ready{fd_, POLLIN, 0};
        while (::poll(&ready, 1, 5000) == 1) {
            const auto n = recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            raw.append(buffer, static_cast<size_t>(n));
        }
        Reply reply;
        const auto end = raw.find("\r\n\r\n");
        if (end == std::string::npos || !raw.starts_with("HTTP/1.")) return reply;
        reply.status = std::stoi(raw.substr(9, 3));
        reply.body = raw.substr(end + 4);
        size_t line = raw.find("\r\n") + 2;
        while (line < end) {
            const auto next = raw.find("\r\n", line);
            const auto header = raw.substr(line, next - line);
            const auto colon = header.find(':');
            const auto start = header.find_first_not_of(' ', colon + 1);
            const auto value = start == std::string::npos ? "" : header.substr(start);
            reply.headers[header.substr(0, colon)] = value;
            reply.header_lines.emplace_back(header.substr(0, colon), value);
            line = next + 2;
        }
        return reply;
    }

  private:
    int fd_;
};

Reply raw_request(const std::string& bytes) {
    RawConnection connection;
    connection.send(bytes);
    return connection.reply();
}

// A client address of its own (the stack trusts X-Forwarded-For from loopback), so that no
// other test shares its per-address limits.
std::string new_address() {
    static std::mt19937 random(std::random_device{}());
    return "198.51." + std::to_string(random() % 256) + "." + std::to_string(1 + random() % 254);
}

// A chat's poll path, signed as initiate signs it; nchan needs no chat behind it.
std::string chat_poll_path(std::string* hash_out = nullptr) {
    static std::mt19937 random(std::random_device{}());
    std::string hash;
    while (hash.size() < 64) hash += "0123456789abcdef"[random() % 16];
    if (hash_out) *hash_out = hash;
    return "/api/poll/chat/" + hash + "?" + signed_query(unix_now() + 120, "chat-" + hash);
}

// Publishes an event on nchan's loopback publisher, so that a poll of `channel` without resume
// headers answers at once. Returns the headers that resume after it: a poll with them waits.
std::string publish(const std::string& channel) {
    httplib::Client client("127.0.0.1", stack().publish_port);
    const auto result = client.Post(("/pub/" + channel).c_str(), {{"Accept", "application/json"}},
                                    R"({"type":"test"})", "application/json");
    if (!result || result->status >= 300) throw std::runtime_error("cannot publish");
    // "<seconds>:<tag>", as nchan's Last-Modified and Etag carry it.
    const auto id = json::parse(result->body)["last_message_id"].get<std::string>();
    const time_t seconds = std::stoll(id.substr(0, id.find(':')));
    char date[64];
    tm utc{};
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&seconds, &utc));
    return std::string("If-Modified-Since: ") + date +
           "\r\nIf-None-Match: " + id.substr(id.find(':') + 1) + "\r\n";
}

// A long-poll sent and left waiting, as a browser tab holds one: on a channel that has no
// event, or with `resume` headers past its last one.
std::unique_ptr<RawConnection> hold_poll(const std::string& path, const std::string& address,
                                         const std::string& resume = "") {
    auto connection = std::make_unique<RawConnection>();
    connection->send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: " + address +
                     "\r\n" + resume + "\r\n");
    return connection;
}

Reply poll_from(const std::string& path, const std::string& address) {
    return stack().request("GET", path, "", "", "", {{"X-Forwarded-For", address}});
}

}  // namespace

TEST_CASE("nginx answers its own errors under /api/ in JSON, with one Cache-Control") {
    check_nginx_error(stack().request("GET", "/api/no/such/thing"), 404, "not_found");
    check_nginx_error(stack().request("POST", "/api/crm/contacts/7/extra", "{}"), 404, "not_found");
    check_nginx_error(stack().request("GET", "/.textus-error"), 404, "not_found");
    // Over nginx's 1 MiB; the handler itself refuses over 64 KiB.
    const auto too_large =
        stack().request("POST", "/api/crm/contacts?search=x", std::string(2 << 20, ' '));
    check_nginx_error(too_large, 413, "payload_too_large");
    // Logged as the client sent it, without the query.
    CHECK(access_log_line(too_large.headers.at("X-Request-Id"))
              .find(" POST /api/crm/contacts HTTP/1.1 413 ") != std::string::npos);
    check_nginx_error(stack().request("GET", "/api/crm/contacts?" + std::string(10000, 'a')), 414,
                      "uri_too_long");
    check_nginx_error(stack().request("TRACE", "/api/crm/contacts"), 405, "method_not_allowed");
    check_nginx_error(stack().request("GET", "/api/../../etc/passwd"), 400, "bad_request");
}

TEST_CASE("nginx answers in JSON what it refuses before a location, on files and on polls") {
    // Refused while reading the request, under /api/ and elsewhere.
    check_nginx_error(raw_request("GET /api/health HTTP/3.0\r\nHost: localhost\r\n"
                                  "Connection: close\r\n\r\n"),
                      505, "http_version_not_supported");
    for (const auto* path : {"/api/crm/contacts", "/widget.js"}) {
        INFO(path);
        check_nginx_error(raw_request(std::string("POST ") + path +
                                      " HTTP/1.1\r\nHost: localhost\r\n"
                                      "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n"),
                          501, "not_implemented");
    }
    check_nginx_error(raw_request("GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " +
                                  std::string(9000, 'a') + "\r\nConnection: close\r\n\r\n"),
                      400, "bad_request");

    // Static files: a failed condition, a method they do not take (with Allow), and ranges,
    // which nginx ignores (an unsatisfiable one was an HTML 416 with the file's headers too).
    check_nginx_error(
        stack().request("GET", "/widget.js", "", "", "", {{"If-Match", "\"not-this-one\""}}), 412,
        "precondition_failed");
    const auto post = stack().request("POST", "/widget.js", "{}", "");
    check_nginx_error(post, 405, "method_not_allowed");
    CHECK(post.headers.at("Allow") == "GET, HEAD");
    CHECK(stack().request("GET", "/no-such-page.js", "", "").header_count("Allow") == 0);
    const auto whole =
        stack().request("GET", "/widget.js", "", "", "", {{"Range", "bytes=9999999-"}});
    CHECK(whole.status == 200);
    CHECK(whole.header_count("Content-Range") == 0);
    CHECK(whole.body.size() > 1000);

    // A poll location takes GET (and HEAD); nchan answered other methods with an empty 403.
    for (const auto& path :
         {"/api/poll/staff?" + signed_query(unix_now() + 60, "staff"), chat_poll_path()}) {
        INFO(path);
        const auto refused = stack().request("POST", path, "{}", "");
        check_nginx_error(refused, 405, "method_not_allowed");
        CHECK(refused.headers.at("Allow") == "GET, HEAD");
        check_nginx_error(stack().request("DELETE", path, "", ""), 405, "method_not_allowed");
    }
}

TEST_CASE("HEAD is answered wherever GET is, with GET's status and headers and no body") {
    const auto get = stack().request("GET", "/api/crm/contacts?limit=1");
    const auto head = stack().request("HEAD", "/api/crm/contacts?limit=1");
    check_handler_answer(head, 200);
    CHECK(head.body.empty());
    CHECK(head.headers.at("Content-Type") == get.headers.at("Content-Type"));
    check_handler_answer(stack().request("HEAD", "/api/crm/contacts/999999999"), 404);
    check_handler_answer(stack().request("HEAD", "/api/crm/contacts", "", ""), 401);
    const auto health = stack().request("HEAD", "/api/health", "", "");
    check_handler_answer(health, 200);
    CHECK(health.body.empty());
    check_handler_answer(stack().request("HEAD", "/api/health/send", "", ""), 200);

    // Allow names HEAD wherever it names GET; a POST-only route does not take it.
    const auto put = stack().request("PUT", "/api/crm/contacts", "{}");
    check_handler_answer(put, 405);
    CHECK(put.headers.at("Allow") == "GET, HEAD, POST");
    CHECK(stack().request("POST", "/api/health", "{}", "").headers.at("Allow") == "GET, HEAD");
    const auto webhook = stack().request("HEAD", "/api/twilio/webhook", "", "");
    check_handler_answer(webhook, 405);
    CHECK(webhook.headers.at("Allow") == "POST");

    const auto widget = stack().request("HEAD", "/widget.js", "", "");
    CHECK(widget.status == 200);
    CHECK(widget.headers.at("Cache-Control") == "public, max-age=3600");

    // A poll link: checked as GET checks it, but answered at once, never subscribed.
    const auto started = std::chrono::steady_clock::now();
    const auto poll = stack().request(
        "HEAD", "/api/poll/staff?" + signed_query(unix_now() + 60, "staff"), "", "");
    CHECK(poll.status == 204);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    CHECK(poll.headers.at("Cache-Control") == "no-store");
    CHECK(stack().request("HEAD", chat_poll_path(), "", "").status == 204);
    CHECK(stack().request("HEAD", "/api/poll/staff?e=1&s=x", "", "").status == 403);
    CHECK(stack()
              .request("HEAD", "/api/poll/staff?" + signed_query(unix_now() - 5, "staff"), "", "")
              .status == 410);

    // The serve loop itself sends no body for HEAD (nginx would drop one): the handler run as
    // plain CGI, its configuration missing, answers its health check.
    const auto cgi = [&](const std::string& method) {
        return textus::test::run("env -i REQUEST_METHOD=" + method + " REQUEST_URI=/api/health " +
                                 stack().bin_dir + "/textus-contacts </dev/null 2>/dev/null")
            .output;
    };
    const auto cgi_get = cgi("GET"), cgi_head = cgi("HEAD");
    INFO(cgi_get << "\n---\n" << cgi_head);
    REQUIRE(cgi_get.find("\r\n\r\n{") != std::string::npos);
    CHECK(cgi_head == cgi_get.substr(0, cgi_get.find("\r\n\r\n") + 4));
}

TEST_CASE("one client address holds at most 20 chat and 100 staff long-polls at once") {
    // deploy/render-nginx's defaults (TEXTUS_POLL_CHAT_PER_IP, TEXTUS_POLL_STAFF_PER_IP).
    const auto address = new_address(), other = new_address();
    const auto chat = chat_poll_path();
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 20; ++i) held.push_back(hold_poll(chat, address));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    check_nginx_error(poll_from(chat, address), 429, "rate_limited");
    // Per address and per location, not per chat; HEAD holds nothing and is not counted.
    std::string hash;
    const auto answered = chat_poll_path(&hash);
    publish("chat-" + hash);
    check_nginx_error(poll_from(answered, address), 429, "rate_limited");
    CHECK(poll_from(answered, other).status == 200);
    CHECK(stack().request("HEAD", answered, "", "", "", {{"X-Forwarded-For", address}}).status ==
          204);
    const auto staff = "/api/poll/staff?" + signed_query(unix_now() + 120, "staff");
    publish("staff");
    CHECK(poll_from(staff, address).status == 200);

    // Staff: an office's browsers and tabs behind one address. (An event from elsewhere would
    // answer the waiting polls: then again.)
    Reply over;
    for (int attempt = 0; attempt < 3 && over.status != 429; ++attempt) {
        std::vector<std::unique_ptr<RawConnection>> tabs;
        const auto after = publish("staff");
        for (int i = 0; i < 100; ++i) tabs.push_back(hold_poll(staff, other, after));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        over = poll_from(staff, other);
        if (over.status == 429) std::move(tabs.begin(), tabs.end(), std::back_inserter(held));
    }
    check_nginx_error(over, 429, "rate_limited");

    // A poll that ends frees its place.
    held.clear();
    int status = 0;
    for (int i = 0; i < 50 && status != 200; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        status = poll_from(answered, address).status;
    }
    CHECK(status == 200);
    CHECK(poll_from(staff, other).status == 200);
}

TEST_CASE("a long-poll with a browser's headers and a 1.5 KB Cookie is held and answered") {
    // What Chrome's fetch sends, with cookies the site's domain may carry: far more than the
    // header buffer nginx first gives a connection (textus-routes.conf), so it goes on in a
    // large one.
    std::string cookie;
    for (int i = 0; i < 12; ++i) {
        cookie += (i ? "; c" : "c") + std::to_string(i) + "=" + std::string(118, 'x');
    }
    const auto address = new_address();
    const auto browser = [&](const std::string& path, const std::string& more = "") {
        return "GET " + path +
               " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Forwarded-For: " + address +
               "\r\nsec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", "
               "\"Not-A.Brand\";v=\"99\"\r\nsec-ch-ua-mobile: ?0\r\nUser-Agent: Mozilla/5.0 "
               "(Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/124.0.0.0 Safari/537.36\r\nsec-ch-ua-platform: \"Windows\"\r\n"
               "Accept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\n"
               "Sec-Fetch-Dest: empty\r\nReferer: http://localhost/shop/wines/cabernet-2019\r\n"
               "Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n"
               "Cookie: " +
               cookie + "\r\n" + more + "\r\n";
    };
    REQUIRE(browser("/").size() > 2000);

    std::string hash;
    const auto chat = chat_poll_path(&hash);
    const auto after = publish("chat-" + hash);
    // Answered at once from the channel's buffer, as the widget's first poll is.
    const auto first = raw_request(browser(chat));
    CHECK(first.status == 200);
    CHECK(json::parse(first.body)["type"] == "test");
    CHECK(first.headers.at("Cache-Control") == "no-store");
    check_security_headers(first);
    // Held past the last event, then answered with the next.
    RawConnection held;
    held.send(browser(chat, after));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    publish("chat-" + hash);
    const auto next = held.reply();
    CHECK(next.status == 200);
    CHECK(json::parse(next.body)["type"] == "test");

    // The staff poll too, and nginx's own answers to a bad or expired link and a wrong method.
    publish("staff");
    const auto staff = "/api/poll/staff?" + signed_query(unix_now() + 60, "staff");
    CHECK(raw_request(browser(staff)).status == 200);
    check_nginx_error(raw_request(browser("/api/poll/chat/" + hash + "?e=1&s=x")), 403,
                      "forbidden");
    check_nginx_error(raw_request(browser("/api/poll/chat/" + hash + "?" +
                                          signed_query(unix_now() - 5, "chat-" + hash))),
                      410, "link_expired");
    auto head = browser(chat);
    head.replace(0, 3, "HEAD");
    CHECK(raw_request(head).status == 204);
    auto post = browser(chat, "Content-Length: 0\r\n");
    post.replace(0, 3, "POST");
    const auto refused = raw_request(post);
    check_nginx_error(refused, 405, "method_not_allowed");
    CHECK(refused.headers.at("Allow") == "GET, HEAD");
}

TEST_CASE("handlers' answers pass unchanged, trailing slash included") {
    const auto list = stack().request("GET", "/api/crm/contacts/?limit=1");
    check_handler_answer(list, 200);
    CHECK(list.json()["success"] == true);

    const auto created = stack().request(
        "POST", "/api/crm/contacts/",
        json{{"firstName", "Slash"}, {"lastName", "Ed"}, {"phone", new_phone()}}.dump());
    check_handler_answer(created, 201);
    const auto id = std::to_string(created.json()["contact"]["id"].get<int64_t>());
    const auto read = stack().request("GET", "/api/crm/contacts/" + id + "/");
    check_handler_answer(read, 200);
    CHECK(read.json()["contact"]["id"] == std::stoll(id));

    // The handler's own errors are not replaced by nginx's.
    const auto missing = stack().request("GET", "/api/crm/contacts/999999999/");
    check_handler_answer(missing, 404);
    CHECK(missing.json()["error"]["message"] != "No such route");
    const auto unauthorized = stack().request("GET", "/api/crm/contacts", "", "");
    check_handler_answer(unauthorized, 401);
    CHECK(unauthorized.json()["error"]["code"] == "unauthorized");
}

TEST_CASE("a dead handler gets a JSON 502, logged without the request's query") {
    const auto phone = new_phone();
    {
        RestartAtExit restart{"contacts"};
        stack().stop_handler("contacts");
        const auto reply = stack().request("GET", "/api/crm/contacts?search=" + url_encode(phone));
        check_nginx_error(reply, 502, "handler_unavailable");
        // What the sysadmin has instead of the error log: status, upstream status, request id.
        const auto line = access_log_line(reply.headers.at("X-Request-Id"));
        CHECK(line.find(" GET /api/crm/contacts HTTP/1.1 502 ") != std::string::npos);
        CHECK(line.find(" 502 0.") != std::string::npos);
    }
    check_handler_answer(stack().request("GET", "/api/crm/contacts?limit=1"), 200);
    CHECK(logs_holding({phone.substr(1)}) == "");
}

TEST_CASE("a stuck handler gets a JSON 504, and answers again once it resumes") {
    const auto email = "stuck" + std::to_string(std::rand()) + "@example.org";
    const auto pids = wait_for_handler_pids("contacts");
    REQUIRE(!pids.empty());
    {
        struct Resume {
            std::vector<int> pids;
            ~Resume() {
                for (const auto pid : pids) kill(pid, SIGCONT);
            }
        } resume{pids};
        for (const auto pid : pids) REQUIRE(kill(pid, SIGSTOP) == 0);
        const auto started = std::chrono::steady_clock::now();
        check_nginx_error(stack().request("GET", "/api/crm/contacts?search=" + url_encode(email)),
                          504, "handler_timeout");
        CHECK(std::chrono::steady_clock::now() - started >= std::chrono::seconds(5));
    }
    check_handler_answer(stack().request("GET", "/api/crm/contacts?limit=1"), 200);
    CHECK(logs_holding({email.substr(0, email.find('@'))}) == "");
}

TEST_CASE("restart_handler starts a handler with another environment, and again without") {
    RestartAtExit restart{"contacts"};
    stack().restart_handler("contacts", "env -u BUSINESS_NAME TEXTUS_RESTART_TEST=yes");
    auto pids = wait_for_handler_pids("contacts");
    REQUIRE(pids.size() == 2);
    CHECK(environment_of(pids[0]).find("\nTEXTUS_RESTART_TEST=yes\n") != std::string::npos);
    CHECK(environment_of(pids[0]).find("\nBUSINESS_NAME=") == std::string::npos);
    CHECK(environment_of(pids[0]).find("\nDATABASE_URL=") != std::string::npos);
    check_handler_answer(stack().request("GET", "/api/crm/contacts?limit=1"), 200);

    stack().restart_handler("contacts");
    pids = wait_for_handler_pids("contacts");
    REQUIRE(pids.size() == 2);
    const auto environment = environment_of(pids[0]);
    CHECK(environment.find("TEXTUS_RESTART_TEST") == std::string::npos);
    CHECK(environment.find("\nDATABASE_URL=" + stack().app_database_url + "\n") !=
          std::string::npos);
    check_handler_answer(stack().request("GET", "/api/crm/contacts?limit=1"), 200);
}

TEST_CASE("no log file holds a phone, email, name, note or key after searches and duplicates") {
    const auto phone = new_phone();                                    // +1AAAABCDEFG
    const auto fragment = phone.substr(5, 3) + "-" + phone.substr(8);  // ABC-DEFG
    const auto tag = std::to_string(std::rand());
    const auto name = "Quillon" + tag;
    const auto email = "q.logs" + tag + "@example.org";
    const auto note = "confidential note " + tag;
    const auto created = stack().request("POST", "/api/crm/contacts",
                                         json{{"firstName", name},
                                              {"lastName", "Vexley"},
                                              {"phone", phone},
                                              {"email", email},
                                              {"notes", note}}
                                             .dump());
    REQUIRE(created.status == 201);

    for (const auto& search : {phone, phone.substr(1), fragment, email, name}) {
        const auto found = stack().request("GET", "/api/crm/contacts?search=" + url_encode(search));
        INFO(search);
        CHECK(found.json()["pagination"]["total"] >= 1);
    }
    const auto duplicate = stack().request(
        "POST", "/api/crm/contacts",
        json{{"firstName", name}, {"lastName", "Again"}, {"phone", phone}, {"email", email}}
            .dump());
    CHECK(duplicate.status == 409);
    const auto other = stack().request(
        "POST", "/api/crm/contacts",
        json{{"firstName", "Other"}, {"lastName", "One"}, {"phone", new_phone()}}.dump());
    REQUIRE(other.status == 201);
    const auto patched = stack().request(
        "PATCH",
        "/api/crm/contacts/" + std::to_string(other.json()["contact"]["id"].get<int64_t>()),
        json{{"phone", phone}, {"notes", note}}.dump());
    CHECK(patched.status == 409);
    wait_for_handler_log("contacts", patched.headers.at("X-Request-Id"));
    // A chat channel id is a bearer secret: the access log masks it (no such route yet).
    const auto channel = "chan" + tag + "x9Kq";
    const auto chat = stack().request("GET", "/api/chat/" + channel + "/messages?s=" + tag, "", "");
    CHECK(chat.status == 404);
    CHECK(access_log_line(chat.headers.at("X-Request-Id")).find(" GET /api/chat/*/messages ") !=
          std::string::npos);

    // A unique violation that PostgreSQL itself logs, as the handlers' role would meet it.
    try {
        pqxx::connection connection(stack().app_database_url);
        pqxx::nontransaction tx(connection);
        tx.exec("INSERT INTO contacts (first_name, last_name, email, phone) VALUES ('" + name +
                "', 'Vexley', '" + email + "', '" + phone + "')");
        FAIL("the duplicate phone was accepted");
    } catch (const pqxx::unique_violation&) {
    }
    const auto postgres_log = stack().state_dir + "/log/postgres.log";
    for (int i = 0;
         i < 50 && read_file(postgres_log).find("contacts_phone_key") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    CHECK(read_file(postgres_log).find("duplicate key value violates unique constraint") !=
          std::string::npos);

    CHECK(logs_holding({phone, phone.substr(1), phone.substr(2), fragment, phone.substr(5), email,
                        email.substr(0, email.find('@')), name, note, channel,
                        stack().staff_key}) == "");
}

TEST_CASE("the widget is served compressed and cached for an hour; a missing file is JSON") {
    const auto widget = stack().request("GET", "/widget.js", "", "", "application/json",
                                        {{"Accept-Encoding", "gzip"}});
    REQUIRE(widget.status == 200);
    CHECK(widget.headers.at("Content-Encoding") == "gzip");
    CHECK(widget.headers.at("Vary") == "Accept-Encoding");
    CHECK(widget.headers.at("Cache-Control") == "public, max-age=3600");
    CHECK(widget.headers.count("ETag") + widget.headers.count("Etag") == 1);
    check_security_headers(widget);
    check_nginx_error(stack().request("GET", "/no-such-page.js", "", ""), 404, "not_found");
}
