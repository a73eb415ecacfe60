#include "common/core/language.h"

#include <cctype>

#include "common/core/error.h"

namespace textus::language {

namespace {

constexpr size_t kMaxTagCharacters = 35;

bool letter(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

std::string_view code(Language language) {
    return language == Language::es ? "es" : "en";
}

bool well_formed(std::string_view tag) {
    if (tag.empty() || tag.size() > kMaxTagCharacters) return false;
    size_t subtag = 0;  // characters in the current subtag
    bool primary = true;
    for (const char c : tag) {
        if (c == '-' || c == '_') {
            if (subtag == 0 || (primary && subtag < 2)) return false;
            primary = false;
            subtag = 0;
        } else if (letter(c) || (!primary && std::isdigit(static_cast<unsigned char>(c)))) {
            if (++subtag > 8) return false;
        } else {
            return false;
        }
    }
    return subtag > 0 && !(primary && subtag < 2);
}

std::optional<Language> of_tag(std::string_view tag) {
    if (!well_formed(tag)) return std::nullopt;
    const auto end = tag.find_first_of("-_");
    std::string primary;
    for (const char c : tag.substr(0, end)) primary += lower(c);
    if (primary == "en") return Language::en;
    if (primary == "es") return Language::es;
    return std::nullopt;
}

Language requested(std::string_view tag, std::string_view field) {
    if (tag.empty()) return Language::en;
    if (!well_formed(tag)) {
        throw bad_request("invalid_language",
                          std::string(field) + " must be a language tag such as en or es",
                          std::string(field));
    }
    return of_tag(tag).value_or(Language::en);
}

Language of_stored(const std::optional<std::string>& code) {
    return code && *code == "es" ? Language::es : Language::en;
}

Language served(Language wanted, const Config& config) {
    return wanted == Language::es && !config.consent_text_es.empty() ? Language::es : Language::en;
}

const std::string& consent_text(const Config& config, Language language) {
    return language == Language::es && !config.consent_text_es.empty() ? config.consent_text_es
                                                                       : config.consent_text;
}

const std::string& initiate_text(const Config& config, Language language) {
    return language == Language::es ? config.initiate_text_es : config.initiate_text;
}

const std::string& opt_out_notice(const Config& config, Language language) {
    return language == Language::es ? config.opt_out_notice_es : config.opt_out_notice;
}

const std::string& opt_out_confirmation(const Config& config, Language language) {
    return language == Language::es ? config.opt_out_confirmation_es : config.opt_out_confirmation;
}

}  // namespace textus::language
