#include "common/messages/conversation.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;
using nlohmann::json;

TEST_CASE("conversations::parse_query reads search and paging") {
    const auto q = conversations::parse_query(parse_form("search=+Ann+Lee+&limit=10&skip=20"));
    CHECK(q.search == "Ann Lee");
    CHECK(q.names == conversations::NamePatterns{"%Ann Lee%", std::nullopt});
    CHECK(q.limit == 10);
    CHECK(q.skip == 20);
    CHECK(conversations::parse_query(parse_form("search=hi")).names ==
          conversations::NamePatterns{"hi%", "% hi%"});
    CHECK_FALSE(conversations::parse_query(parse_form("search=+++")).search);
    CHECK_FALSE(conversations::parse_query(parse_form("limit=5")).search);
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

TEST_CASE("conversations::name_patterns finds one or two letters at the start of a word") {
    // Three letters or digits in a row have a trigram: anywhere, as the contact list does.
    for (const char* pattern : {"%garcia%", "%hi there%", "%über%", "%6192%", "%50\\% off%"}) {
        INFO(pattern);
        CHECK(conversations::name_patterns(pattern) ==
              conversations::NamePatterns{pattern, std::nullopt});
    }
    CHECK(conversations::name_patterns("%hi%") == conversations::NamePatterns{"hi%", "% hi%"});
    CHECK(conversations::name_patterns("%a b%") == conversations::NamePatterns{"a b%", "% a b%"});
    CHECK(conversations::name_patterns("%ü%") == conversations::NamePatterns{"ü%", "% ü%"});
    // Escapes are kept, and an escaped wildcard is no letter.
    CHECK(conversations::name_patterns("%\\%\\%\\%%") ==
          conversations::NamePatterns{"\\%\\%\\%%", "% \\%\\%\\%%"});
    CHECK(conversations::name_patterns("%x\\_y%") ==
          conversations::NamePatterns{"x\\_y%", "% x\\_y%"});
}

TEST_CASE("conversations::body_query finds the words in a row, the last as a word's start") {
    const auto one = conversations::body_query({"wine"});
    CHECK(one.pairs == "'wine':*");
    CHECK_FALSE(one.phrase);
    const auto two = conversations::body_query({"yes", "thank"});
    CHECK(two.pairs == "'yes thank':*");
    CHECK_FALSE(two.phrase);
    const auto three = conversations::body_query({"yes", "thank", "you"});
    CHECK(three.pairs == "'yes thank' & 'thank you':*");
    CHECK(three.phrase == "'yes' <-> 'thank' <-> 'you':*");
    // A lexeme can hold a quote or a backslash (a URL's): doubled, it stays one lexeme.
    CHECK(conversations::body_query({"example.com/it's", "a\\b"}).pairs ==
          "'example.com/it''s a\\\\b':*");
}

TEST_CASE("conversations::body_plan walks common words and looks up rare ones") {
    using conversations::BodyPlan;
    // Fewer messages than the sample: walk them all.
    CHECK(conversations::body_plan(0, 10) == BodyPlan{2000, std::nullopt});
    // 2.5% and more: walk twice the rows expected to hold 500 matches, at least the sample's.
    CHECK(conversations::body_plan(50, 2000) == BodyPlan{40'000, std::nullopt});
    CHECK(conversations::body_plan(100, 2000) == BodyPlan{20'000, std::nullopt});
    CHECK(conversations::body_plan(1500, 2000) == BodyPlan{2000, std::nullopt});
    // 0.75% to 2.5%: the index over 1.5 times the time expected to hold 500 matches first.
    CHECK(conversations::body_plan(49, 2000) == BodyPlan{0, 1.5 * 500 / 49});
    CHECK(conversations::body_plan(20, 2000) == BodyPlan{0, 37.5});
    CHECK(conversations::body_plan(15, 2000) == BodyPlan{0, 50});
    // Rarer: the index over every message.
    CHECK(conversations::body_plan(14, 2000) == BodyPlan{});
    CHECK(conversations::body_plan(0, 2000) == BodyPlan{});
}
