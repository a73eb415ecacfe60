#include "common/conversation.h"

#include <catch2/catch.hpp>

#include "common/error.h"

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

TEST_CASE("conversations::to_json has DESIGN's fields") {
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
