// The languages we speak to a visitor and a number in (issue 28; docs/decisions.md, Languages):
// English and Spanish, as the widget has a table of strings for each. Everything we word for
// them has a text per language in the configuration (CONSENT_TEXT, INITIATE_TEXT,
// OPT_OUT_NOTICE, OPT_OUT_CONFIRMATION and their _ES twins), and this file is the one place
// that picks among them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/core/config.h"

namespace textus::language {

enum class Language { en, es };

// "en" or "es": what the API answers and the database keeps.
std::string_view code(Language language);

// The language of a BCP 47 tag such as the page's lang ("es", "es-MX", "ES_mx"): none when it
// is not one we have texts in ("fr", "") or not a tag at all. Case-insensitive; "_" counts as
// "-".
std::optional<Language> of_tag(std::string_view tag);

// Whether `tag` has a language tag's shape (letters, then subtags of letters and digits after
// "-" or "_", at most 35 characters): a request's value that does not is refused rather than
// read as English.
bool well_formed(std::string_view tag);

// A request's language (GET /api/twilio/initiate?lang=, initiate's `language`): "" is English,
// and so is a well-formed tag of a language we have no texts in; a malformed one is 400
// invalid_language naming `field`.
Language requested(std::string_view tag, std::string_view field);

// A stored code (contacts.language: "en", "es" or NULL) as a language; NULL is English.
Language of_stored(const std::optional<std::string>& code);

// The language a visitor who asked for `wanted` is served: it, when the configuration words
// its consent (CONSENT_TEXT_ES for Spanish); else English, so that the form, its consent and
// the texts it leads to are all in one language.
Language served(Language wanted, const Config& config);

// The texts of `language` (served() for a visitor; a contact's as stored): each language's own
// variable, with Spanish defaults where English has defaults.
const std::string& consent_text(const Config& config, Language language);
const std::string& initiate_text(const Config& config, Language language);
const std::string& opt_out_notice(const Config& config, Language language);
const std::string& opt_out_confirmation(const Config& config, Language language);

}  // namespace textus::language
