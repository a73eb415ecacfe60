#include "common/core/fields.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

#include "common/core/error.h"
#include "common/core/text.h"

namespace textus::fields {

namespace {

HttpError invalid(std::string_view name, std::string_view what) {
    return bad_request("invalid_field", std::string(name) + " " + std::string(what),
                       std::string(name));
}

int number(std::string_view digits) {
    int value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

}  // namespace

std::string text(const nlohmann::json& value, std::string_view name, size_t max, Lines lines) {
    if (!value.is_string()) throw invalid(name, "must be a string");
    const auto& given = value.get_ref<const std::string&>();
    // nlohmann's parser refuses malformed UTF-8, but a json built in code may hold any bytes.
    if (!text::valid_utf8(given)) throw invalid(name, "must be UTF-8 text");
    auto out = text::trim(given);
    if (text::length(out) > max) {
        throw invalid(name, "must be at most " + std::to_string(max) + " characters");
    }
    if (text::has_control(out, lines == Lines::many)) {
        throw invalid(name, "must not contain control characters");
    }
    return out;
}

std::string required_text(const nlohmann::json& body, std::string_view name, size_t max,
                          Lines lines) {
    const auto it = body.find(name);
    const auto missing = [&] {
        return bad_request("missing_field", std::string(name) + " is required", std::string(name));
    };
    if (it == body.end() || it->is_null()) throw missing();
    auto out = text(*it, name, max, lines);
    if (out.empty()) throw missing();
    return out;
}

int64_t id(const nlohmann::json& value, std::string_view name, std::string_view what) {
    if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
        throw bad_request("invalid_field", std::string(name) + " must be " + std::string(what),
                          std::string(name));
    }
    return value.get<int64_t>();
}

std::optional<std::string> timestamp(const nlohmann::json& value, std::string_view name) {
    if (value.is_null()) return std::nullopt;
    auto at = text(value, name, 40);
    if (at.empty()) return std::nullopt;
    static const std::regex shape(
        R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([Zz]|([+-])(\d{2}):(\d{2}))$)");
    const auto refuse = [&] {
        return invalid(name,
                       "must be an RFC 3339 time in years 0001-9999 with an offset of at most "
                       "14:00, e.g. 2026-11-23T09:30:00Z");
    };
    std::smatch m;
    if (!std::regex_match(at, m, shape)) throw refuse();
    using namespace std::chrono;
    const year_month_day local_day{year{number(m.str(1))}, month(number(m.str(2))),
                                   day(number(m.str(3)))};
    const int hour = number(m.str(4)), minute = number(m.str(5)), second = number(m.str(6));
    const int offset_hours = m[9].matched ? number(m.str(10)) : 0;
    const int offset_minutes = m[9].matched ? number(m.str(11)) : 0;
    if (!local_day.ok() || local_day.year() < year{1} || hour > 23 || minute > 59 || second > 59 ||
        offset_minutes > 59 || offset_hours * 60 + offset_minutes > 14 * 60) {
        throw refuse();
    }
    const auto offset =
        (m.str(9) == "-" ? -1 : 1) * (hours{offset_hours} + minutes{offset_minutes});
    const auto utc = sys_days{local_day} + hours{hour} + minutes{minute} + seconds{second} - offset;
    const year_month_day utc_day{floor<days>(utc)};
    if (utc_day.year() < year{1} || utc_day.year() > year{9999}) throw refuse();
    const hh_mm_ss time{utc - floor<days>(utc)};
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d%sZ",
                  static_cast<int>(utc_day.year()), static_cast<unsigned>(utc_day.month()),
                  static_cast<unsigned>(utc_day.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), m.str(7).c_str());
    return std::string(out);
}

void check_email(std::string_view address, std::string_view name) {
    static const std::regex shape(R"(^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$)");
    if (!std::regex_match(address.begin(), address.end(), shape)) {
        throw bad_request("invalid_email",
                          std::string(name) + " must be an address like jane@example.com",
                          std::string(name));
    }
}

}  // namespace textus::fields

namespace textus::fields {

std::string utc_rfc3339(std::time_t at) {
    std::tm utc{};
    gmtime_r(&at, &utc);
    char text[21];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace textus::fields
