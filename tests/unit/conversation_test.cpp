#include "common/messages/conversation.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;
using nlohmann::json;

TEST_CASE("conversations::parse_query reads search and paging") {
    const auto q = conversations::parse_query(parse_form("search=Ann&limit=10&skip=20"));
    CHECK(q.search_pattern == "%Ann%");
    CHECK(q.limit == 10);
    CHECK(q.skip == 20);
    CHECK_FALSE(conversations::parse_query(parse_form("search=+++")).search_pattern);
    for (const char* bad : {"limit=0", "skip=-1", "search=%ff"}) {
        INFO(bad);
        CHECK_THROWS_AS(conversations::parse_query(parse_form(bad)), HttpError);
    }
}

TEST_CASE("conversations::to_json has contract.md's fields") {
    conversations::Conversation c;
    c.contact.id = 4;
    c.contact.phone = "+17605550142";
    c.last_message.id = 9;
    c.last_message.created_at = "2026-11-23T09:00:00.000Z";
    c.unread_count = 2;
    c.message_count = 5;
    const auto j = conversations::to_json(c);
    CHECK(j["contact"]["id"] == 4);
    CHECK(j["phoneNumber"] == "+17605550142");
    CHECK(j["lastMessage"]["id"] == 9);
    CHECK(j["unreadCount"] == 2);
    CHECK(j["messageCount"] == 5);
    CHECK(j["lastMessageAt"] == "2026-11-23T09:00:00.000Z");
}

TEST_CASE("conversations::terms_of walks terms the trigram index cannot find") {
    const auto phrase = conversations::terms_of("%yes thank%");
    CHECK(phrase.words == std::vector<std::string>{"%yes%", "%thank%"});
    CHECK(phrase.walk_rows == 200'000);
    CHECK_FALSE(phrase.walk_always);
    CHECK_FALSE(conversations::terms_of("%hi there%").walk_always);
    CHECK_FALSE(conversations::terms_of("%über%").walk_always);
    CHECK_FALSE(conversations::terms_of("%6192%").walk_always);
    // No three letters or digits in a row: no trigram.
    for (const char* pattern : {"%hi%", "%a b%", "%a.b%", "%\\%\\%\\%%", "%ü%", "%x_y%"}) {
        INFO(pattern);
        const auto terms = conversations::terms_of(pattern);
        CHECK(terms.walk_always);
        CHECK(terms.walk_rows == 20'000);
    }
    CHECK(conversations::terms_of("%50\\% off%").words ==
          std::vector<std::string>{"%50\\%%", "%off%"});
}
