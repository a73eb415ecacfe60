#include "tests/integration/long_poll.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <chrono>
#include <fstream>

#include "tests/integration/stack.h"

namespace textus::test {

namespace {

std::string token_secret() {
    std::ifstream in(Stack::get().state_dir + "/token-secret");
    std::string secret;
    in >> secret;
    return secret;
}

}  // namespace

long long unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string signed_query(long long expires, const std::string& channel) {
    const auto text = std::to_string(expires) + channel + " " + token_secret();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
    std::string encoded(4 * ((size + 2) / 3), '\0');
    encoded.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest,
                                   static_cast<int>(size)));
    for (auto& c : encoded) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    return "e=" + std::to_string(expires) + "&s=" + encoded;
}

std::optional<nlohmann::json> poll_until(const std::string& path,
                                         const std::function<bool(const nlohmann::json&)>& match,
                                         int limit) {
    httplib::Client client("127.0.0.1", Stack::get().port);
    client.set_read_timeout(5, 0);
    std::string since = "Thu, 01 Jan 1970 00:00:00 GMT", tag = "0";
    for (int i = 0; i < limit; ++i) {
        const auto reply =
            client.Get(path.c_str(), {{"If-Modified-Since", since}, {"If-None-Match", tag}});
        if (!reply || reply->status != 200) return std::nullopt;
        const auto event = nlohmann::json::parse(reply->body);
        if (match(event)) return event;
        since = reply->get_header_value("Last-Modified");
        tag = reply->get_header_value("Etag");
    }
    return std::nullopt;
}

}  // namespace textus::test
