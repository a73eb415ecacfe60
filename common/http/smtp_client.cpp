#include "common/http/smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "common/core/crypto.h"

namespace textus::smtp {

namespace {

// A header's value on one line: a name or a subject never splits the headers.
std::string one_line(std::string_view value) {
    std::string out(value);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return out;
}

std::string encoded_subject(std::string_view subject) {
    const auto line = one_line(subject);
    if (std::all_of(line.begin(), line.end(), [](char c) {
            return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
        })) {
        return line;
    }
    return "=?UTF-8?B?" + crypto::base64(line) + "?=";
}

std::string crlf(std::string_view body) {
    std::string out;
    for (const char c : body) {
        if (c == '\r') continue;
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string rfc5322_now() {
    const auto now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
    return text;
}

struct Reader {
    std::string data;
    size_t at = 0;
};

size_t read_out(char* buffer, size_t size, size_t count, void* user) {
    auto& reader = *static_cast<Reader*>(user);
    const auto n = std::min(size * count, reader.data.size() - reader.at);
    std::copy_n(reader.data.data() + reader.at, n, buffer);
    reader.at += n;
    return n;
}

Outcome outcome_of(CURLcode code) {
    switch (code) {
        case CURLE_OK:
            return Outcome::sent;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_LOGIN_DENIED:
        case CURLE_USE_SSL_FAILED:
            return Outcome::unsent;
        default:
            return Outcome::unknown;
    }
}

}  // namespace

std::string message(const Config& config, const Mail& mail, std::string_view date,
                    std::string_view message_id) {
    return "Date: " + std::string(date) + "\r\nFrom: " + one_line(config.smtp_from) +
           "\r\nTo: " + one_line(mail.to) + "\r\nSubject: " + encoded_subject(mail.subject) +
           "\r\nMessage-ID: " + std::string(message_id) +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n" +
           crlf(mail.body) + "\r\n";
}

Result send(const Config& config, const Mail& mail) {
    static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!initialized) return {Outcome::unsent, "libcurl did not start"};
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                   curl_easy_cleanup);
    if (!curl) return {Outcome::unsent, "libcurl did not start"};
    const auto domain = config.smtp_from.substr(config.smtp_from.find('@') + 1);
    Reader reader{message(config, mail, rfc5322_now(),
                          "<" + crypto::hex(crypto::random_bytes(16)) + "@" + domain + ">")};
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(
        curl_slist_append(nullptr, ("<" + mail.to + ">").c_str()), curl_slist_free_all);
    const auto from = "<" + config.smtp_from + ">";
    char error[CURL_ERROR_SIZE] = "";
    auto* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, config.smtp_url.c_str());
    curl_easy_setopt(handle, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_out);
    curl_easy_setopt(handle, CURLOPT_READDATA, &reader);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    // STARTTLS whenever the relay offers it; smtps:// is TLS from the start.
    curl_easy_setopt(handle, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    const auto code = curl_easy_perform(handle);
    if (code == CURLE_OK) return {};
    // libcurl's words may name the host, never the URL's credentials; the code's own words
    // name neither.
    return {outcome_of(code), curl_easy_strerror(code)};
}

}  // namespace textus::smtp
