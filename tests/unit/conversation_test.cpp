#include "common/messages/conversation.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"
#include "refusal.h"

using namespace textus;
using nlohmann::json;

TEST_CASE("conversations::parse_query reads search and paging") {
    const auto q = conversations::parse_query(parse_form("search=+Ann+Lee+&limit=10&skip=20"), 7);
    CHECK(q.search == "Ann Lee");
    CHECK(q.names == conversations::NamePatterns{"%Ann Lee%", std::nullopt});
    CHECK(q.limit == 10);
    CHECK(q.skip == 20);
    CHECK(conversations::parse_query(parse_form("search=hi"), 7).names ==
          conversations::NamePatterns{"hi%", "% hi%"});
    CHECK_FALSE(conversations::parse_query(parse_form("search=+++"), 7).search);
    CHECK_FALSE(conversations::parse_query(parse_form("limit=5"), 7).search);
    for (const char* bad : {"limit=0", "skip=-1", "search=%ff"}) {
        INFO(bad);
        CHECK_THROWS_AS(conversations::parse_query(parse_form(bad), 7), HttpError);
    }
}

TEST_CASE("conversations::parse_query reads the status and whose conversations") {
    using Kind = conversations::AssigneeFilter::Kind;
    const auto q = [](const char* form) { return conversations::parse_query(parse_form(form), 7); };
    CHECK_FALSE(q("").status);
    CHECK(q("").assignee == conversations::AssigneeFilter{});
    CHECK(q("status=snoozed").status == conversations::Status::snoozed);
    CHECK(q("status=").status == std::nullopt);
    CHECK(q("assignee=me").assignee == conversations::AssigneeFilter{Kind::person, 7});
    CHECK(q("assignee=none").assignee == conversations::AssigneeFilter{Kind::nobody, 0});
    CHECK(q("assignee=12").assignee == conversations::AssigneeFilter{Kind::person, 12});
    for (const char* bad : {"status=Open", "status=done", "assignee=0", "assignee=-3",
                            "assignee=someone", "assignee=1e3"}) {
        INFO(bad);
        CHECK(test::refusal([&] { q(bad); }).starts_with("invalid_query "));
    }
}

TEST_CASE("conversations::parse_change takes an assignee, a status, and a snooze's end") {
    using conversations::parse_change;
    using conversations::Status;
    const auto both = parse_change(json{{"assigneeId", 3}, {"status", "closed"}});
    CHECK(both.assignee_id == std::optional<std::optional<int64_t>>(3));
    CHECK(both.status == Status::closed);
    const auto nobody = parse_change(json{{"assigneeId", nullptr}});
    REQUIRE(nobody.assignee_id);
    CHECK_FALSE(*nobody.assignee_id);
    CHECK_FALSE(nobody.status);
    const auto snooze =
        parse_change(json{{"status", "snoozed"}, {"snoozedUntil", "2027-01-02T09:00:00+01:00"}});
    CHECK(snooze.snoozed_until == "2027-01-02T08:00:00Z");
    CHECK_FALSE(snooze.assignee_id);
    const auto refused = [](const json& body) {
        return test::refusal([&] { parse_change(body); });
    };
    CHECK(refused(json::object()).starts_with("missing_field "));
    CHECK(refused({{"assigneeId", 0}}).starts_with("invalid_field assigneeId"));
    CHECK(refused({{"assigneeId", "3"}}).starts_with("invalid_field assigneeId"));
    CHECK(refused({{"assigneeId", 1.5}}).starts_with("invalid_field assigneeId"));
    CHECK(refused({{"status", "resolved"}}).starts_with("invalid_field status"));
    CHECK(refused({{"status", nullptr}}).starts_with("invalid_field status"));
    CHECK(refused({{"status", "snoozed"}}).starts_with("invalid_field snoozedUntil"));
    CHECK(refused({{"status", "closed"}, {"snoozedUntil", "2027-01-02T09:00:00Z"}})
              .starts_with("invalid_field snoozedUntil"));
    CHECK(refused({{"status", "snoozed"}, {"snoozedUntil", "tomorrow"}})
              .starts_with("invalid_field snoozedUntil"));
}

TEST_CASE("conversations' counts are of the open and the snoozed") {
    const conversations::Counts counts{{1, 2, 3}, {4, 5, 6}};
    CHECK(conversations::to_json(counts) ==
          json{{"open", {{"mine", 1}, {"unassigned", 2}, {"all", 3}}},
               {"snoozed", {{"mine", 4}, {"unassigned", 5}, {"all", 6}}}});
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
    CHECK(j["status"] == "open");
    CHECK(j["snoozedUntil"] == nullptr);
    CHECK(j["assignee"] == nullptr);
    CHECK_FALSE(j.contains("contactId"));
    c.state = {4, conversations::Status::snoozed, "2026-12-01T08:00:00.000Z",
               conversations::Assignee{3, "Ann"}};
    const auto snoozed = conversations::to_json(c);
    CHECK(snoozed["status"] == "snoozed");
    CHECK(snoozed["snoozedUntil"] == "2026-12-01T08:00:00.000Z");
    CHECK(snoozed["assignee"] == json{{"id", 3}, {"name", "Ann"}});
    CHECK(conversations::to_json(c.state)["contactId"] == 4);
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
    CHECK(conversations::words_query({"wine"}) == "'wine':*");
    CHECK(conversations::words_query({"yes", "thank"}) == "'yes' <-> 'thank':*");
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
