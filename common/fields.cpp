#include "common/fields.h"

#include "common/error.h"
#include "common/text.h"

namespace textus::fields {

namespace {

HttpError invalid(std::string_view name, std::string_view what) {
    return bad_request("invalid_field", std::string(name) + " " + std::string(what),
                       std::string(name));
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

}  // namespace textus::fields
