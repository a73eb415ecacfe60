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

TEST_CASE("conversations::pairs_query finds the words in a row, the last as a word's start") {
    using conversations::pairs_query;
    CHECK(pairs_query({"wine"}, std::nullopt) == "'wine':*");
    CHECK(pairs_query({"yes", "thank"}, std::nullopt) == "'yes thank':*");
    CHECK(pairs_query({"yes", "thank", "you"}, std::nullopt) == "'yes thank' & 'thank you':*");
    // Under a month, as sql/020's month_pairs indexes them.
    CHECK(pairs_query({"wine"}, 24323) == "'24323 wine':*");
    CHECK(pairs_query({"yes", "thank", "you"}, 24323) == "'24323 yes thank' & '24323 thank you':*");
    // A lexeme can hold a quote or a backslash (a URL's): doubled, it stays one lexeme.
    CHECK(pairs_query({"example.com/it's", "a\\b"}, std::nullopt) ==
          "'example.com/it''s a\\\\b':*");
}

TEST_CASE("conversations::phrase_query checks three words or more are in one row") {
    CHECK_FALSE(conversations::phrase_query({"wine"}));
    CHECK_FALSE(conversations::phrase_query({"yes", "thank"}));
    CHECK(conversations::phrase_query({"yes", "thank", "you"}) == "'yes' <-> 'thank' <-> 'you':*");
    CHECK(conversations::phrase_query({"it's", "a", "b\\"}) == "'it''s' <-> 'a' <-> 'b\\\\':*");
}

TEST_CASE("conversations::walk_spans walks common words and leaves rare ones to the index") {
    using conversations::walk_spans;
    CHECK(walk_spans(0, 10) == 1);  // fewer messages than the sample: walk them all
    // 3% and more: back twice as far as the time expected to hold 500 matches, at least the
    // sample's.
    CHECK(walk_spans(60, 2000) == Approx(1000.0 / 60));
    CHECK(walk_spans(100, 2000) == 10);
    CHECK(walk_spans(1500, 2000) == 1);
    // Rarer: the index, month by month.
    CHECK(walk_spans(59, 2000) == 0);
    CHECK(walk_spans(0, 2000) == 0);
}
