// Text fields of a JSON request body, checked the one way every route checks them: a string of
// UTF-8 without surrounding white space, at most so many characters, no control characters
// (tab and line breaks only in multi-line text; never NUL, which PostgreSQL text cannot hold).
// A refusal is 400 naming the field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace textus::fields {

enum class Lines { one, many };

// `value` trimmed; 400 invalid_field when it is not such a string.
std::string text(const nlohmann::json& value, std::string_view name, size_t max,
                 Lines lines = Lines::one);

// `body[name]` as text(), required: 400 missing_field when it is absent, null, or empty once
// trimmed.
std::string required_text(const nlohmann::json& body, std::string_view name, size_t max,
                          Lines lines = Lines::one);

// An RFC 3339 time, normalised to UTC ("2026-11-23T17:30:00.250Z") so that PostgreSQL never
// sees an offset it would misread; none for null or "". Offsets beyond ±14:00 (no place on
// Earth has one) and years outside 0001-9999, before or after conversion, are refused (400
// invalid_field): what GET returns must PUT back.
std::optional<std::string> timestamp(const nlohmann::json& value, std::string_view name);
// `at` (Unix seconds) as timestamp() writes one: "2026-11-23T09:30:00Z".
std::string utc_rfc3339(std::time_t at);

// `value` as a record's id, a whole number above 0 (a JSON number, never a string); 400
// invalid_field "<name> must be <what>" otherwise, null and absent (a null json) included.
int64_t id(const nlohmann::json& value, std::string_view name, std::string_view what);

// Whether `address` looks like an email address, name@domain.tld (a contact's, a person's
// login): 400 invalid_email naming `name` otherwise.
void check_email(std::string_view address, std::string_view name);

}  // namespace textus::fields
