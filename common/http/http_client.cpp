#include "common/http/http_client.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <thread>

#include "common/core/crypto.h"

namespace textus::http_client {

namespace {

using Clock = std::chrono::steady_clock;

// Origins a thread keeps a connection to: Twilio, Commerce7 and nchan in production. Tests
// talk to a simulator on a new port per case; the least recently used goes beyond this.
constexpr size_t kMaxOrigins = 8;

struct Connection {
    std::unique_ptr<httplib::Client> client;
    Clock::time_point last_used;
};

// Lives outside any caller's object: a handler builds its Twilio client per request, and the
// connection is to outlast it.
Connection& connection_to(const std::string& origin) {
    thread_local std::map<std::string, Connection> pool;
    const auto found = pool.find(origin);
    if (found != pool.end()) return found->second;
    if (pool.size() >= kMaxOrigins) {
        pool.erase(std::min_element(pool.begin(), pool.end(), [](const auto& a, const auto& b) {
            return a.second.last_used < b.second.last_used;
        }));
    }
    auto client = std::make_unique<httplib::Client>(origin);
    client->set_keep_alive(true);
    // Headers and body go in separate writes: without this, Nagle holds the body back until
    // the server's delayed acknowledgement, 40 ms a request.
    client->set_tcp_nodelay(true);
    client->set_url_encode(false);  // callers encode their paths and queries
    return pool.emplace(origin, Connection{std::move(client), Clock::now()}).first->second;
}

}  // namespace

Failure failure_of(httplib::Error error) {
    switch (error) {
        case httplib::Error::Connection:
        case httplib::Error::ConnectionTimeout:
        case httplib::Error::SSLConnection:
            return Failure::not_connected;
        case httplib::Error::SSLServerVerification:
        case httplib::Error::SSLLoadingCerts:
            return Failure::certificate_refused;
        default:
            return Failure::maybe_sent;
    }
}

std::optional<Outcome> after_answer(Safety safety, int status, bool attempts_left) {
    if (status != 429 && status < 500) return Outcome::answered;
    // A 5xx may come after the server acted (a gateway gave up on a back end that went on).
    if (status >= 500 && safety == Safety::unsafe) return Outcome::unknown;
    if (attempts_left) return std::nullopt;
    return Outcome::answered;
}

std::optional<Outcome> after_failure(Safety safety, Failure failure, bool attempts_left) {
    if (failure == Failure::maybe_sent) {
        return safety == Safety::unsafe ? Outcome::unknown : Outcome::unanswered;
    }
    if (failure == Failure::not_connected && attempts_left) return std::nullopt;
    return Outcome::unanswered;
}

std::chrono::milliseconds retry_delay(int attempt, std::string_view retry_after,
                                      const Timing& timing) {
    int seconds = 0;
    const auto [end, error] =
        std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    if (!retry_after.empty() && error == std::errc() &&
        end == retry_after.data() + retry_after.size() && seconds >= 0) {
        return std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds),
                                                   timing.max_retry_after);
    }
    return timing.backoff * (1 << std::clamp(attempt - 1, 0, 16));
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    const auto encode = [&](std::string_view s) {
        for (const unsigned char c : s) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~') {
                out += static_cast<char>(c);
            } else {
                out += '%';
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
        }
    };
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        encode(name);
        out += '=';
        encode(value);
    }
    return out;
}

std::pair<std::string, std::string> basic_auth(std::string_view user, std::string_view password) {
    return {"Authorization",
            "Basic " + crypto::base64(std::string(user) + ":" + std::string(password))};
}

Result send(const std::string& origin, const Request& request, const Timing& timing) {
    httplib::Request req;
    req.method = request.method;
    req.path = request.path;
    for (const auto& [name, value] : request.headers) req.set_header(name, value);
    if (!request.content_type.empty()) req.set_header("Content-Type", request.content_type);
    req.body = request.body;
    auto& connection = connection_to(origin);
    auto& http = *connection.client;
    http.set_connection_timeout(timing.connect_timeout);
    http.set_read_timeout(timing.read_timeout);
    http.set_write_timeout(timing.read_timeout);
    std::string limited;  // the body, when its size is limited
    bool too_large = false;
    if (request.max_body > 0) {
        req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
            too_large = limited.size() + size > request.max_body;
            if (!too_large) limited.append(data, size);
            return !too_large;
        };
    }
    for (int attempt = 1;; ++attempt) {
        limited.clear();
        too_large = false;
        if (request.safety == Safety::unsafe &&
            Clock::now() - connection.last_used > timing.max_idle_before_unsafe) {
            http.stop();  // closes the kept connection, if any: the request opens a fresh one
        }
        const auto result = http.send(req);
        connection.last_used = Clock::now();
        const bool attempts_left = attempt < timing.attempts;
        std::string retry_after;
        if (too_large) {
            return {Outcome::unanswered,
                    0,
                    {},
                    "more than " + std::to_string(request.max_body) + " bytes",
                    {},
                    {},
                    true};
        }
        if (result) {
            const auto outcome = after_answer(request.safety, result->status, attempts_left);
            if (outcome) {
                return {*outcome,
                        result->status,
                        request.max_body > 0 ? std::move(limited) : result->body,
                        {},
                        result->get_header_value("Content-Type"),
                        result->get_header_value("Location")};
            }
            retry_after = result->get_header_value("Retry-After");
        } else {
            const auto outcome =
                after_failure(request.safety, failure_of(result.error()), attempts_left);
            if (outcome) return {*outcome, 0, {}, httplib::to_string(result.error())};
        }
        const auto wait = retry_delay(attempt, retry_after, timing);
        spdlog::warn(
            "{}: {}; attempt {} of {} in {} ms", request.what,
            result ? "HTTP " + std::to_string(result->status) : httplib::to_string(result.error()),
            attempt + 1, timing.attempts, wait.count());
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace textus::http_client
