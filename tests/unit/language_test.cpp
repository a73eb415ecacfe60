#include "common/core/language.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using namespace textus;
using language::Language;
using textus::test::refusal;

namespace {

Config config() {
    Config c;
    c.consent_text = "I agree to texts.";
    c.initiate_text = "Your code is {code}.";
    c.initiate_text_es = "Tu código es {code}.";
    c.opt_out_notice = "Reply STOP to opt out.";
    c.opt_out_notice_es = "Responde STOP para darte de baja.";
    c.opt_out_confirmation = "You're unsubscribed.";
    c.opt_out_confirmation_es = "Te diste de baja.";
    return c;
}

}  // namespace

TEST_CASE("a page's language tag names one of ours, else none", "[language]") {
    CHECK(language::of_tag("es") == Language::es);
    CHECK(language::of_tag("es-MX") == Language::es);
    CHECK(language::of_tag("ES_mx") == Language::es);
    CHECK(language::of_tag("es-419") == Language::es);
    CHECK(language::of_tag("en") == Language::en);
    CHECK(language::of_tag("en-GB") == Language::en);
    for (const auto* tag : {"fr", "fr-CA", "spa", "", "e", "es-", "-es", "es--MX", "es<script>",
                            "es MX", "es-MX-abcdefghi", "1s", "ñ", "es\n", "es-MX;q=0.9"}) {
        CAPTURE(tag);
        CHECK(!language::of_tag(tag));
    }
    CHECK(language::well_formed("fr-CA"));
    CHECK(language::well_formed("zh-Hant-TW"));
    CHECK_FALSE(language::well_formed("es<script>"));
    CHECK_FALSE(language::well_formed(std::string(36, 'a')));
    CHECK(language::code(Language::es) == "es");
    CHECK(language::code(Language::en) == "en");
}

TEST_CASE("a request's language: English unless it names Spanish; a non-tag is refused",
          "[language]") {
    CHECK(language::requested("", "lang") == Language::en);
    CHECK(language::requested("es-MX", "lang") == Language::es);
    CHECK(language::requested("fr", "lang") == Language::en);
    CHECK(refusal([] { language::requested("es<script>", "language"); }) ==
          "invalid_language language: language must be a language tag such as en or es");
    CHECK(refusal([] {
              language::requested(std::string(40, 'e'), "lang");
          }).starts_with("invalid_language lang: "));
    CHECK(language::of_stored(std::nullopt) == Language::en);
    CHECK(language::of_stored("es") == Language::es);
    CHECK(language::of_stored("en") == Language::en);
}

TEST_CASE("each language's texts come from its own settings", "[language]") {
    auto c = config();
    // Spanish is served only where its consent is worded; otherwise the whole form is English.
    CHECK(language::served(Language::es, c) == Language::en);
    CHECK(language::consent_text(c, Language::es) == "I agree to texts.");
    c.consent_text_es = "Acepto recibir mensajes.";
    CHECK(language::served(Language::es, c) == Language::es);
    CHECK(language::served(Language::en, c) == Language::en);
    CHECK(language::consent_text(c, Language::es) == "Acepto recibir mensajes.");
    CHECK(language::consent_text(c, Language::en) == "I agree to texts.");
    CHECK(language::initiate_text(c, Language::es) == "Tu código es {code}.");
    CHECK(language::initiate_text(c, Language::en) == "Your code is {code}.");
    CHECK(language::opt_out_notice(c, Language::es) == "Responde STOP para darte de baja.");
    CHECK(language::opt_out_notice(c, Language::en) == "Reply STOP to opt out.");
    CHECK(language::opt_out_confirmation(c, Language::es) == "Te diste de baja.");
    CHECK(language::opt_out_confirmation(c, Language::en) == "You're unsubscribed.");
}
