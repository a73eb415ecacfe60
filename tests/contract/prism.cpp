#include "tests/contract/prism.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace textus::test {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// RFC 2822 as Twilio writes it and as every date in the spec's examples is written:
// "Thu, 24 Aug 2023 05:01:45 +0000".
const char* kTwilioDate =
    "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    "[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$";

// The spec's examples show every property of these objects, and no other; its schemas require
// none and allow any, so without this a misspelt or missing field would pass.
void every_property_required(json& schema) {
    json required = json::array();
    for (const auto& [name, property] : schema.at("properties").items()) required.push_back(name);
    schema["required"] = required;
    schema["additionalProperties"] = false;
}

std::string read_from(const std::string& path, size_t offset) {
    std::ifstream file(path, std::ios::binary);
    file.seekg(static_cast<std::streamoff>(offset));
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::string tail(const std::string& log) {
    return log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        throw std::runtime_error("no free port for Prism");
    }
    close(fd);
    return ntohs(address.sin_port);
}

// "422 Invalid request: Request body property To must be string; ..." from Prism's
// application/problem+json answer.
std::string summary(int status, const std::string& body) {
    const auto problem = json::parse(body, nullptr, false);
    std::string text = std::to_string(status);
    if (!problem.is_object()) return text + " " + body;
    text += " " + problem.value("title", std::string());
    std::string separator = ": ";
    for (const auto& item : problem.value("validation", json::array())) {
        text += separator + item.value("message", std::string());
        separator = "; ";
    }
    return text;
}

// Twilio's description as this test checks it. Each change is narrow: two work around what Prism
// cannot read, two say what the spec's own examples show and its schemas leave open.
json contract_spec(json spec) {
    auto& paths = spec.at("paths");
    const std::string account = "/2010-04-01/Accounts/{AccountSid}";
    // MediaUrl is an array sent as repeated fields, OpenAPI 3.0's default for a form (style
    // form, explode true). Prism applies a style only when the spec names one, so without this
    // it sees a string and refuses every MediaUrl. Prism still keeps only the last of repeated
    // fields, so it checks the last URL; tests/integration checks that all of them arrive.
    paths.at(account + "/Messages.json")
        .at("post")
        .at("requestBody")
        .at("content")
        .at("application/x-www-form-urlencoded")["encoding"] = {
        {"MediaUrl", {{"style", "form"}, {"explode", true}}}};
    for (const auto& list :
         {account + "/Messages.json", account + "/Messages/{MessageSid}/Media.json"}) {
        auto& page = paths.at(list)
                         .at("get")
                         .at("responses")
                         .at("200")
                         .at("content")
                         .at("application/json")
                         .at("schema");
        // A page's links are paths on the API host, as in the spec's own examples and in
        // Twilio's answers; the schema's format "uri" would want a scheme and a host.
        for (const char* link : {"uri", "first_page_uri", "next_page_uri", "previous_page_uri"}) {
            page.at("properties").at(link)["format"] = "uri-reference";
        }
        every_property_required(page);
    }
    auto& schemas = spec.at("components").at("schemas");
    for (const char* name : {"api.v2010.account.message", "api.v2010.account.message.media"}) {
        auto& schema = schemas.at(name);
        every_property_required(schema);
        // Prism ignores formats it does not know, Twilio's "date-time-rfc-2822" among them.
        for (auto& [field, property] : schema.at("properties").items()) {
            if (property.value("format", "") == "date-time-rfc-2822") {
                property["pattern"] = kTwilioDate;
            }
        }
    }
    return spec;
}

}  // namespace

PrismProxy::PrismProxy(const std::string& upstream) {
    if (access(TEXTUS_PRISM, X_OK) != 0) {
        throw std::runtime_error("Prism is not installed at " TEXTUS_PRISM
                                 ": deploy/install-deps installs it (npm ci --prefix tests)");
    }
    std::ifstream twilio_spec(TWILIO_OAI);
    if (!twilio_spec) throw std::runtime_error("cannot read " TWILIO_OAI);
    const auto spec = contract_spec(json::parse(twilio_spec));
    char dir[] = "/tmp/textus-contract-XXXXXX";
    if (!mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    const auto spec_path = dir_ + "/twilio_api_v2010.json";
    std::ofstream(spec_path) << spec;
    const auto log_path = dir_ + "/prism.log";
    const auto port = std::to_string(free_port());
    prism_url_ = "http://127.0.0.1:" + port;

    try {
        prism_.emplace(std::vector<std::string>{TEXTUS_PRISM, "proxy", spec_path, upstream, "-h",
                                                "127.0.0.1", "-p", port, "--errors"},
                       own_environment(), log_path);
    } catch (const std::exception&) {
        std::filesystem::remove_all(dir_);
        throw;
    }
    // About 2 s on an idle machine (the spec is 1.8 MB); generous for a loaded one.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
        const auto log = read_from(log_path, 0);
        if (log.find("Prism is listening on") != std::string::npos) {
            log_read_ = log.size();
            break;
        }
        if (!prism_->running() || std::chrono::steady_clock::now() > deadline) {
            prism_->kill();
            std::filesystem::remove_all(dir_);
            throw std::runtime_error("Prism did not start (is node installed?); its log:\n" +
                                     tail(log));
        }
        std::this_thread::sleep_for(50ms);
    }

    server_.Get(".*", [this](const auto& req, auto& res) { relay(req, res); });
    server_.Post(".*", [this](const auto& req, auto& res) { relay(req, res); });
    base_url = "http://127.0.0.1:" + std::to_string(server_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
}

PrismProxy::~PrismProxy() {
    if (thread_.joinable()) {
        server_.stop();
        thread_.join();
    }
    prism_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void PrismProxy::relay(const httplib::Request& req, httplib::Response& res) {
    httplib::Client prism(prism_url_);
    prism.set_url_encode(false);  // the target is passed on as the client wrote it
    prism.set_read_timeout(30s);
    httplib::Request out;
    out.method = req.method;
    out.path = req.target;
    out.body = req.body;
    for (const char* name : {"Authorization", "Content-Type", "Accept"}) {
        if (req.has_header(name)) out.set_header(name, req.get_header_value(name));
    }
    const auto answer = prism.send(out);
    if (!answer) {
        res.status = 502;
        std::lock_guard lock(mu_);
        problems_.push_back("Prism did not answer: " + httplib::to_string(answer.error()));
        return;
    }
    res.status = answer->status;
    if (answer->has_header("Retry-After")) {
        res.set_header("Retry-After", answer->get_header_value("Retry-After"));
    }
    const auto type = answer->get_header_value("Content-Type");
    res.set_content(answer->body, type.c_str());
    // Prism's own answers are problem+json; the simulator's are Twilio's application/json.
    if (type.starts_with("application/problem+json")) {
        std::lock_guard lock(mu_);
        problems_.push_back(summary(answer->status, answer->body));
    }
}

std::vector<std::string> PrismProxy::violations() {
    // Prism logs after it answers: a request of our own, once logged, marks the end of what
    // the requests before it made Prism log.
    const auto marker = "/contract-sync-" + std::to_string(++syncs_);
    httplib::Client(prism_url_).Get(marker);
    const auto log_path = dir_ + "/prism.log";
    std::string log;
    size_t end = std::string::npos;
    for (const auto deadline = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
        log = read_from(log_path, log_read_);
        if ((end = log.find(marker)) != std::string::npos) break;
    }
    if (end == std::string::npos) {
        throw std::runtime_error("Prism stopped answering; its log:\n" + tail(log));
    }
    end = log.find('\n', end);
    log.resize(end == std::string::npos ? log.size() : end);
    log_read_ += log.size();

    std::vector<std::string> found;
    {
        std::lock_guard lock(mu_);
        found.swap(problems_);
    }
    std::istringstream lines(log);
    const std::string violation = "Violation: ";
    for (std::string line; std::getline(lines, line);) {
        if (const auto at = line.find(violation); at != std::string::npos) {
            found.push_back(line.substr(at + violation.size()));
        }
    }
    return found;
}

}  // namespace textus::test
