#include "common/twilio/twilio_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <regex>
#include <stdexcept>

#include "common/core/log.h"

namespace textus::twilio {

namespace {

// Twilio's documented codes this app acts on.
constexpr int kInvalidToNumber = 21211;
constexpr int kNotMobileNumber = 21614;
constexpr int kUnsubscribedRecipient = 21610;
constexpr int kAuthenticate = 20003;
constexpr int kNotFound = 20404;

std::string string_field(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// Twilio sends counts as strings ("1") and codes as numbers; accept either.
int int_field(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end()) return 0;
    if (it->is_number_integer()) return it->get<int>();
    if (!it->is_string()) return 0;
    const auto& text = it->get_ref<const std::string&>();
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() ? value : 0;
}

bool read_number(std::string_view& s, size_t min_digits, size_t max_digits, int& value) {
    size_t n = 0;
    value = 0;
    while (n < s.size() && n < max_digits && s[n] >= '0' && s[n] <= '9') {
        value = value * 10 + (s[n] - '0');
        ++n;
    }
    if (n < min_digits) return false;
    s.remove_prefix(n);
    return true;
}

bool read_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// RFC 2822's folding white space, simplified to spaces and tabs; true when there was some.
bool skip_space(std::string_view& s) {
    const auto n = std::min(s.find_first_not_of(" \t"), s.size());
    s.remove_prefix(n);
    return n > 0;
}

std::string more_info(int code) {
    return code ? "; see https://www.twilio.com/docs/errors/" + std::to_string(code) : "";
}

}  // namespace

Message parse_message(const nlohmann::json& resource) {
    Message m;
    if (!resource.is_object()) return m;
    m.sid = string_field(resource, "sid");
    m.to = string_field(resource, "to");
    m.from = string_field(resource, "from");
    m.body = string_field(resource, "body");
    m.status = string_field(resource, "status");
    m.direction = string_field(resource, "direction");
    m.num_segments = int_field(resource, "num_segments");
    m.num_media = int_field(resource, "num_media");
    m.error_code = int_field(resource, "error_code");
    m.error_message = string_field(resource, "error_message");
    m.price = string_field(resource, "price");
    m.price_unit = string_field(resource, "price_unit");
    m.date_created = string_field(resource, "date_created");
    m.date_sent = string_field(resource, "date_sent");
    m.date_updated = string_field(resource, "date_updated");
    return m;
}

std::optional<std::string> to_rfc3339(std::string_view s) {
    using namespace std::chrono;
    static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                              "Fri", "Sat", "Sun"};
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    skip_space(s);
    if (s.size() >= 4 && s[3] == ',') {
        if (std::find(kDays.begin(), kDays.end(), s.substr(0, 3)) == kDays.end()) return {};
        s.remove_prefix(4);
        skip_space(s);
    }
    int d, y, hh, mm, ss = 0;
    if (!read_number(s, 1, 2, d) || !skip_space(s) || s.size() < 3) return {};
    const auto month_name = std::find(kMonths.begin(), kMonths.end(), s.substr(0, 3));
    if (month_name == kMonths.end()) return {};
    s.remove_prefix(3);
    if (!skip_space(s) || !read_number(s, 4, 4, y) || !skip_space(s)) return {};
    if (!read_number(s, 2, 2, hh) || !read_char(s, ':') || !read_number(s, 2, 2, mm)) return {};
    if (read_char(s, ':') && !read_number(s, 2, 2, ss)) return {};
    if (!skip_space(s) || hh > 23 || mm > 59 || ss > 59) return {};
    int offset_minutes = 0;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        const int sign = s[0] == '-' ? -1 : 1;
        s.remove_prefix(1);
        int hhmm;
        if (s.size() < 4 || !read_number(s, 4, 4, hhmm) || hhmm % 100 > 59) return {};
        offset_minutes = sign * (hhmm / 100 * 60 + hhmm % 100);
    } else if (s.starts_with("GMT") || s.starts_with("UTC")) {
        s.remove_prefix(3);
    } else if (s.starts_with("UT")) {
        s.remove_prefix(2);
    } else {
        return {};
    }
    skip_space(s);
    if (!s.empty()) return {};
    const year_month_day date{year{y},
                              month{static_cast<unsigned>(month_name - kMonths.begin() + 1)},
                              day{static_cast<unsigned>(d)}};
    if (!date.ok()) return {};
    const sys_seconds at =
        sys_days(date) + hours(hh) + minutes(mm) + seconds(ss) - minutes(offset_minutes);
    const auto day_start = floor<days>(at);
    const year_month_day utc(day_start);
    const hh_mm_ss time(at - day_start);
    const int utc_year = static_cast<int>(utc.year());
    if (utc_year < 1 || utc_year > 9999) return {};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", utc_year,
                  static_cast<unsigned>(utc.month()), static_cast<unsigned>(utc.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return out;
}

bool valid_message_sid(std::string_view sid) {
    return sid.size() == 34 && (sid.starts_with("SM") || sid.starts_with("MM")) &&
           std::all_of(sid.begin() + 2, sid.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

TwilioError error_from_answer(int http_status, std::string_view body) {
    int code = 0;
    std::string message;
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object()) {
        code = int_field(json, "code");
        message = string_field(json, "message");
    }
    const auto with_code = [&](std::string_view text) {
        return std::string(text) + (code ? " (Twilio error " + std::to_string(code) + ")" : "");
    };
    if (code == kInvalidToNumber || code == kNotMobileNumber) {
        return {422, "invalid_phone", with_code("Twilio cannot send a text to this number"), code,
                message};
    }
    if (code == kUnsubscribedRecipient) {
        return {409, "opted_out",
                with_code("This number replied STOP and gets no texts until it sends START"), code,
                message};
    }
    if (code == kAuthenticate || http_status == 401) {
        return {502, "twilio_auth",
                with_code("Twilio refused our credentials: check TWILIO_ACCOUNT_SID and "
                          "TWILIO_AUTH_TOKEN"),
                code, message};
    }
    if (code == kNotFound || http_status == 404) {
        return {404, "not_found", with_code("Twilio has no such message"), code, message};
    }
    if (http_status == 429 || http_status >= 500) {
        return {
            502, "twilio_unavailable",
            "Twilio is unavailable (HTTP " + std::to_string(http_status) + "); try again shortly",
            code, message};
    }
    return {502, "twilio_error",
            "Twilio refused the request (HTTP " + std::to_string(http_status) +
                (code ? ", error " + std::to_string(code) : "") + ")" + more_info(code),
            code, message};
}

std::string messages_path(std::string_view account_sid) {
    return "/" + std::string(kApiVersion) + "/Accounts/" + std::string(account_sid) +
           "/Messages.json";
}

std::string message_path(std::string_view account_sid, std::string_view message_sid) {
    return "/" + std::string(kApiVersion) + "/Accounts/" + std::string(account_sid) + "/Messages/" +
           std::string(message_sid) + ".json";
}

std::optional<std::string> normalize_api_base(std::string_view api_base) {
    static const std::regex kBase(R"(https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?)");
    if (api_base.ends_with('/')) api_base.remove_suffix(1);
    std::string base(api_base);
    if (!std::regex_match(base, kBase)) return {};
    return base;
}

std::string status_callback_url(std::string_view public_base_url) {
    if (public_base_url.ends_with('/')) public_base_url.remove_suffix(1);
    return std::string(public_base_url) + "/api/twilio/status";
}

std::string list_path(std::string_view account_sid, const ListQuery& query) {
    std::vector<std::pair<std::string, std::string>> params;
    if (!query.to.empty()) params.emplace_back("To", query.to);
    if (!query.from.empty()) params.emplace_back("From", query.from);
    const int size = std::clamp(std::min(query.page_size, query.limit), 1, kMaxPageSize);
    params.emplace_back("PageSize", std::to_string(size));
    return messages_path(account_sid) + "?" + http_client::form_encode(params);
}

Client::Client(const Config& config, Timing timing)
    : account_sid_(config.twilio_account_sid),
      auth_token_(config.twilio_auth_token),
      phone_number_(config.twilio_phone_number),
      messaging_service_sid_(config.twilio_messaging_service_sid),
      public_base_url_(config.public_base_url),
      timing_(timing) {
    std::vector<std::string> missing;
    const auto base = normalize_api_base(config.twilio_api_base);
    if (!base) missing.push_back("TWILIO_API_BASE (scheme and host only)");
    if (account_sid_.empty()) missing.push_back("TWILIO_ACCOUNT_SID");
    if (auth_token_.empty()) missing.push_back("TWILIO_AUTH_TOKEN");
    if (!missing.empty()) {
        std::string names;
        for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
        throw HttpError(503, "configuration_incomplete", "Missing or malformed: " + names);
    }
    api_base_ = *base;
}

Message Client::create_message(const Outgoing& message) {
    std::vector<std::pair<std::string, std::string>> fields{{"To", message.to}};
    if (!phone_number_.empty()) {
        fields.emplace_back("From", phone_number_);
    } else if (!messaging_service_sid_.empty()) {
        fields.emplace_back("MessagingServiceSid", messaging_service_sid_);
    } else {
        throw HttpError(503, "configuration_incomplete",
                        "Missing: TWILIO_PHONE_NUMBER or TWILIO_MESSAGING_SERVICE_SID");
    }
    // Twilio needs a Body or a MediaUrl; an empty Body beside media would only be noise.
    if (!message.body.empty() || message.media_urls.empty()) {
        fields.emplace_back("Body", message.body);
    }
    for (const auto& url : message.media_urls) fields.emplace_back("MediaUrl", url);
    auto callback = message.status_callback;
    if (callback.empty()) {
        if (public_base_url_.empty()) {
            throw HttpError(503, "configuration_incomplete", "Missing: PUBLIC_BASE_URL");
        }
        callback = status_callback_url(public_base_url_);
    }
    fields.emplace_back("StatusCallback", callback);
    return parse_message(call(true, messages_path(account_sid_), http_client::form_encode(fields),
                              "create message to " + log::mask_phone(message.to)));
}

Message Client::fetch_message(std::string_view sid) {
    if (!valid_message_sid(sid)) throw std::invalid_argument("not a message SID");
    return parse_message(call(false, message_path(account_sid_, sid), {}, "fetch message"));
}

std::vector<Message> Client::list_messages(const ListQuery& query) {
    std::vector<Message> messages;
    const auto own_list = messages_path(account_sid_) + "?";
    auto path = list_path(account_sid_, query);
    while (static_cast<int>(messages.size()) < query.limit) {
        const auto page = call(false, path, {}, "list messages");
        const auto items = page.find("messages");
        if (items == page.end() || !items->is_array()) break;
        for (const auto& item : *items) {
            if (static_cast<int>(messages.size()) == query.limit) break;
            messages.push_back(parse_message(item));
        }
        // next_page_uri is relative to the API base; follow it only within this list.
        path = string_field(page, "next_page_uri");
        if (items->empty() || !path.starts_with(own_list)) break;
    }
    return messages;
}

std::vector<Media> Client::media(const Message& message) {
    std::vector<Media> media;
    if (message.num_media == 0) return media;
    if (!valid_message_sid(message.sid)) throw std::invalid_argument("not a message SID");
    // A message has at most 10 media (Twilio's limit): one page of 50 holds them all.
    auto path = message_path(account_sid_, message.sid);
    path.replace(path.size() - 5, 5, "/Media.json?PageSize=50");
    const auto page = call(false, path, {}, "list media");
    const auto items = page.find("media_list");
    if (items == page.end() || !items->is_array()) return media;
    for (const auto& item : *items) {
        auto uri = string_field(item, "uri");
        if (uri.ends_with(".json")) uri.resize(uri.size() - 5);
        if (uri.starts_with("/"))
            media.push_back({api_base_ + uri, string_field(item, "content_type")});
    }
    return media;
}

bool media_origin(std::string_view origin, std::string_view api_base) {
    static constexpr std::string_view kMediaHosts[] = {"https://mms.twiliocdn.com",
                                                       "https://media.twiliocdn.com",
                                                       "https://s3-external-1.amazonaws.com"};
    const auto lower = [](std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return out;
    };
    const auto o = lower(origin);
    if (o == lower(api_base)) return true;
    return std::any_of(std::begin(kMediaHosts), std::end(kMediaHosts), [&](std::string_view host) {
        return o == host || o == std::string(host) + ":443";
    });
}

Download Client::download_media(const std::string& url, size_t max_bytes) {
    static const std::regex kUrl(R"((https?://[^/?#]+)(/[^#]*)?)");
    constexpr int kMaxRedirects = 3;
    auto next = url;
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        std::smatch parts;
        if (!std::regex_match(next, parts, kUrl) || !media_origin(parts[1].str(), api_base_)) {
            // The host alone: a URL's path and query may hold a token.
            const auto host = parts.size() > 1 ? parts[1].str() : std::string("(not a URL)");
            throw TwilioError(422, "media_host_refused",
                              "Not one of Twilio's media hosts: " + host.substr(0, 100));
        }
        const auto origin = parts[1].str();
        const bool own =
            origin.size() == api_base_.size() &&
            std::equal(origin.begin(), origin.end(), api_base_.begin(),
                       [](char a, char b) { return std::tolower(a) == std::tolower(b); });
        http_client::Headers headers;
        if (own) headers.push_back(http_client::basic_auth(account_sid_, auth_token_));
        auto result = http_client::send(origin,
                                        {.method = "GET",
                                         .path = parts[2].length() ? parts[2].str() : "/",
                                         .safety = http_client::Safety::safe,
                                         .headers = headers,
                                         .what = "twilio: media",
                                         .max_body = max_bytes},
                                        timing_);
        if (result.too_large) {
            throw TwilioError(422, "media_too_large",
                              "The medium is larger than " + std::to_string(max_bytes) + " bytes");
        }
        if (result.outcome == http_client::Outcome::unanswered) {
            throw TwilioError(502, "twilio_unavailable",
                              "Twilio could not be reached (" + result.error + "); try again");
        }
        if (result.status >= 300 && result.status < 400 && !result.location.empty()) {
            // A relative Location stays on the origin that gave it.
            next = result.location.starts_with("/") ? origin + result.location : result.location;
            continue;
        }
        if (result.status < 200 || result.status >= 300) {
            throw error_from_answer(result.status, result.body);
        }
        auto type = result.content_type.substr(0, result.content_type.find(';'));
        while (!type.empty() && type.back() == ' ') type.pop_back();
        return {std::move(type), std::move(result.body)};
    }
    throw TwilioError(502, "twilio_error", "Twilio's media redirected more than 3 times");
}

nlohmann::json Client::call(bool create, const std::string& path, const std::string& form,
                            std::string_view what) {
    using http_client::Outcome;
    const auto label = "twilio: " + std::string(what);
    const auto result = http_client::send(
        api_base_,
        {.method = create ? "POST" : "GET",
         .path = path,
         .safety = create ? http_client::Safety::unsafe : http_client::Safety::safe,
         .headers = {{"Accept", "application/json"},
                     http_client::basic_auth(account_sid_, auth_token_)},
         .body = form,
         .content_type = create ? "application/x-www-form-urlencoded" : "",
         .what = label},
        timing_);
    if (result.outcome == Outcome::unknown) {
        // Twilio's code and words after a 5xx, for the message row; none without an answer.
        const auto answer = error_from_answer(result.status, result.body);
        const auto what_happened =
            result.status ? "Twilio failed (HTTP " + std::to_string(result.status) + ")"
                          : "Twilio did not answer (" + result.error + ")";
        spdlog::warn("{}: {}: outcome unknown", label, what_happened);
        throw TwilioError(502, "twilio_unavailable",
                          what_happened + "; the message may or may not have been sent",
                          answer.twilio_code, answer.twilio_message, true);
    }
    if (result.outcome == Outcome::unanswered) {
        throw TwilioError(502, "twilio_unavailable",
                          "Twilio could not be reached (" + result.error + "); try again shortly");
    }
    if (result.status < 200 || result.status >= 300) {
        throw error_from_answer(result.status, result.body);
    }
    auto json = nlohmann::json::parse(result.body, nullptr, false);
    if (!json.is_object()) {
        throw TwilioError(502, "twilio_unavailable",
                          "Twilio's answer was not the JSON expected" +
                              std::string(create ? "; the message may have been sent" : ""),
                          0, {}, create);
    }
    return json;
}

}  // namespace textus::twilio
