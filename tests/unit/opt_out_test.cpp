#include "common/consent/opt_out.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>

using namespace textus;
using opt_out::Reading;

TEST_CASE("normalize folds case and width, and drops punctuation, emoji and invisibles") {
    CHECK(opt_out::normalize("Stop.") == "stop");
    CHECK(opt_out::normalize("ＳＴＯＰ") == "stop");
    CHECK(opt_out::normalize("  STOP   STOP!! ") == "stop stop");
    CHECK(opt_out::normalize("st\xe2\x80\x8bop") == "stop");  // zero-width space
    CHECK(opt_out::normalize("stop \xf0\x9f\x9b\x91\xf0\x9f\x98\xa1") == "stop");  // emoji
    CHECK(opt_out::normalize("Don't text me") == "don t text me");
    CHECK(opt_out::normalize("NO MÁS MENSAJES") == "no más mensajes");
    CHECK(opt_out::normalize("\xff stop") == "");  // not UTF-8
}

TEST_CASE("the phrase table: opt-outs, possible opt-outs, and texts that are neither") {
    const std::pair<const char*, Reading> cases[] = {
        // A stop word alone, in any case, width, punctuation or company of emoji.
        {"STOP", Reading::opt_out},
        {"stop", Reading::opt_out},
        {"Stop.", Reading::opt_out},
        {"Stop!", Reading::opt_out},
        {"stop!!!", Reading::opt_out},
        {"ＳＴＯＰ", Reading::opt_out},
        {"STOP STOP", Reading::opt_out},
        {"Stop \xf0\x9f\x9b\x91", Reading::opt_out},
        {"\xe2\x80\x8bstop\xe2\x80\x8b", Reading::opt_out},
        {"stopall", Reading::opt_out},
        {"stop all", Reading::opt_out},
        {"Unsubscribe", Reading::opt_out},
        {"unsubscribe me", Reading::opt_out},
        {"unsub", Reading::opt_out},
        {"Cancel.", Reading::opt_out},
        {"end", Reading::opt_out},
        {"END!", Reading::opt_out},
        {"quit", Reading::opt_out},
        {"Quit it", Reading::opt_out},
        {"revoke", Reading::opt_out},
        {"optout", Reading::opt_out},
        {"opt out", Reading::opt_out},
        {"Opt-out", Reading::opt_out},
        {"opt me out", Reading::opt_out},
        {"opt out please", Reading::opt_out},
        // A short phrase of one with filler.
        {"stop please", Reading::opt_out},
        {"please stop", Reading::opt_out},
        {"Please stop texting me", Reading::opt_out},
        {"please stop texting me!", Reading::opt_out},
        {"stop texting me", Reading::opt_out},
        {"stop sending me texts", Reading::opt_out},
        {"stop messaging me", Reading::opt_out},
        {"Stop sending messages", Reading::opt_out},
        {"stop now", Reading::opt_out},
        {"stop it", Reading::opt_out},
        {"STOP THANKS", Reading::opt_out},
        {"stop pls", Reading::opt_out},
        {"remove me", Reading::opt_out},
        {"Remove me from this list", Reading::opt_out},
        {"remove me from your list please", Reading::opt_out},
        {"take me off your list", Reading::opt_out},
        {"take me off", Reading::opt_out},
        {"leave me alone", Reading::opt_out},
        {"don't text me", Reading::opt_out},
        {"Do not text me anymore", Reading::opt_out},
        {"dont text me", Reading::opt_out},
        {"no more texts", Reading::opt_out},
        {"no more messages please", Reading::opt_out},
        {"I want to unsubscribe", Reading::opt_out},
        {"I want to be removed, stop", Reading::opt_out},
        {"unsubscribe me from this number", Reading::opt_out},
        {"Stop getting these", Reading::opt_out},
        // Spanish.
        {"ALTO", Reading::opt_out},
        {"alto por favor", Reading::opt_out},
        {"Detener", Reading::opt_out},
        {"cancelar", Reading::opt_out},
        {"No más mensajes", Reading::opt_out},
        {"no mas mensajes por favor", Reading::opt_out},
        {"darme de baja", Reading::opt_out},
        {"dame de baja por favor", Reading::opt_out},
        {"parar", Reading::opt_out},
        // A longer text with a strong stop word: for staff to decide.
        {"I told you last week to stop, why do I still get these", Reading::possible},
        {"Should I stop texting this number?", Reading::possible},
        {"Please stop, I moved away and I am not buying a house", Reading::possible},
        {"how do I unsubscribe from the wine club emails", Reading::possible},
        {"Thanks for the tasting! Also please remove me from your newsletter list",
         Reading::possible},
        {"can you opt me out of the monthly offers but keep my order updates", Reading::possible},
        // Neither: a stop word used otherwise, or an everyday word in a longer text.
        {"Can I stop by at 5?", Reading::none},
        {"stop by anytime", Reading::none},
        {"I'll stop in tomorrow", Reading::none},
        {"We need to cancel our reservation for Friday", Reading::none},
        {"See you at the end of the month", Reading::none},
        {"I quit my job so I have time for a tasting", Reading::none},
        {"Is the tasting room open on Saturday?", Reading::none},
        {"Stopping by later", Reading::none},
        {"unstoppable", Reading::none},
        {"weekend", Reading::none},
        {"", Reading::none},
        {"\xf0\x9f\x9b\x91", Reading::none},
        {"s t o p", Reading::none},
        {"yes", Reading::none},
        {"Para mañana por favor", Reading::none},
    };
    size_t count = 0;
    for (const auto& [body, reading] : cases) {
        INFO(body);
        CHECK(opt_out::read(body) == reading);
        ++count;
    }
    CHECK(count >= 60);
}

TEST_CASE("consent_of: Twilio's keyword first, else an opt-out in the sender's own words") {
    const auto keyword = opt_out::consent_of(" stop ");
    CHECK(keyword.keyword.kind == keywords::Kind::opt_out);
    CHECK(keyword.keyword.keyword == "STOP");
    CHECK_FALSE(keyword.own_words);
    CHECK(opt_out::consent_of("START").keyword.kind == keywords::Kind::opt_in);
    CHECK_FALSE(opt_out::consent_of("START").own_words);

    const std::string words = "stop texting me please";
    const auto own = opt_out::consent_of(words);
    CHECK(own.keyword.kind == keywords::Kind::opt_out);
    CHECK(own.keyword.keyword == words);  // the consent event keeps the text itself
    CHECK(own.own_words);

    for (const char* body :
         {"Can I stop by at 5?", "Please stop, I moved away and I am not buying"}) {
        INFO(body);
        CHECK(opt_out::consent_of(body).keyword.kind == keywords::Kind::none);
        CHECK_FALSE(opt_out::consent_of(body).own_words);
    }
    // A longer text with a stop word is for staff to decide; a question is not.
    CHECK(opt_out::consent_of("Please stop, I moved away and I am not buying").possible);
    CHECK_FALSE(opt_out::consent_of("Can I stop by at 5?").possible);
    CHECK_FALSE(opt_out::consent_of("stop texting me please").possible);
    CHECK_FALSE(opt_out::consent_of("STOP").possible);
}
