#include "tests/integration/twilio_post.h"

#include <httplib.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include "common/http/http.h"
#include "common/twilio/twilio_signature.h"
#include "tests/integration/stack.h"

namespace textus::test {

std::string auth_token() {
    std::ifstream in(Stack::get().state_dir + "/twilio-auth-token");
    std::string token;
    in >> token;
    return token;
}

namespace {

std::string encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

Post post(const std::string& path, const Fields& fields, const std::string& signature,
          const std::string& signed_url, const std::string& token) {
    Form form;
    std::string body;
    for (const auto& [name, value] : fields) {
        form.add(name, value);
        body += (body.empty() ? "" : "&") + encode(name) + "=" + encode(value);
    }
    const auto url = signed_url.empty()
                         ? "http://127.0.0.1:" + std::to_string(Stack::get().port) + path
                         : signed_url;
    httplib::Headers headers;
    if (signature == "<sign>") {
        headers.emplace("X-Twilio-Signature",
                        textus::twilio::signature(token.empty() ? auth_token() : token, url, form));
    } else if (!signature.empty()) {
        headers.emplace("X-Twilio-Signature", signature);
    }
    httplib::Client client("127.0.0.1", Stack::get().port);
    const auto result =
        client.Post(path.c_str(), headers, body, "application/x-www-form-urlencoded");
    if (!result) throw std::runtime_error("no answer from nginx");
    return {result->status, result->get_header_value("Content-Type"), result->body};
}

std::string new_sid(const char* prefix) {
    static std::atomic<int> sid_counter = 0;  // tests post from several threads
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s%032x", prefix, 0x5eed0000 + ++sid_counter);
    return buffer;
}

std::vector<std::string> new_phones(int count) {
    static std::mutex mutex;  // tests make contacts from several threads
    static int next = 0;
    if (count < 1 || count > 10) throw std::invalid_argument("new_phones: 1 to 10 numbers");
    std::lock_guard lock(mutex);
    if (count > 1) next = (next + 9) / 10 * 10;  // a block of ten of its own
    if (next + count > 9000) throw std::runtime_error("new_phones: the run used 9,000 numbers");
    std::vector<std::string> numbers;
    for (int i = 0; i < count; ++i) numbers.push_back("+1619555" + std::to_string(1000 + next++));
    if (count > 1) next = (next + 9) / 10 * 10;
    return numbers;
}

std::string new_phone() {
    return new_phones(1)[0];
}

Fields inbound(const std::string& sid, const std::string& from, const std::string& body) {
    return {
        {"MessageSid", sid}, {"SmsSid", sid},        {"AccountSid", "AC" + std::string(32, '1')},
        {"From", from},      {"To", "+17605550100"}, {"Body", body},
        {"NumMedia", "0"},   {"NumSegments", "1"},   {"ApiVersion", "2010-04-01"}};
}

}  // namespace textus::test
