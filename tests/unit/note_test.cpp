#include "common/messages/note.h"

#include <catch2/catch.hpp>

#include "refusal.h"

using namespace textus;
using nlohmann::json;
using notes::Mentioned;

namespace {

const std::vector<people::Person> kTeam = {{1, "ann@example.com", "Ann", people::Role::owner},
                                           {2, "abe@example.com", "Abe Agent", people::Role::agent},
                                           {3, "abe2@example.com", "Abe", people::Role::agent},
                                           {4, "zoe@example.com", "Zoë Ý", people::Role::admin}};

std::vector<Mentioned> in(std::string_view body) {
    return notes::mentions_in(body, kTeam);
}

}  // namespace

TEST_CASE("notes::mentions_in finds @ and a name, the longest, at a word's edge") {
    CHECK(in("@Ann can you call them?") == std::vector<Mentioned>{{1, "Ann"}});
    CHECK(in("ask @ann.") == std::vector<Mentioned>{{1, "Ann"}});
    // "Abe Agent" over "Abe"; "Abe" alone when the rest is not the longer name.
    CHECK(in("@abe agent please") == std::vector<Mentioned>{{2, "Abe Agent"}});
    CHECK(in("@Abe please") == std::vector<Mentioned>{{3, "Abe"}});
    // Each person once, in order first named.
    CHECK(in("@Abe, @Ann and @ABE again") == std::vector<Mentioned>{{3, "Abe"}, {1, "Ann"}});
    CHECK(in("(@Zoë Ý)") == std::vector<Mentioned>{{4, "Zoë Ý"}});
    // Not a mention: an email, a longer word, a name cut short, a lone @.
    CHECK(in("write to team@Ann.example").empty());
    CHECK(in("@Annabel").empty());
    CHECK(in("@An").empty());
    CHECK(in("@ Ann").empty());
    CHECK(in("@").empty());
    CHECK(in("@Zoë").empty());
    CHECK(notes::mentions_in("@Ann", {}).empty());
}

TEST_CASE("notes::parse_write and parse_query refuse what is not a note") {
    const auto write =
        notes::parse_write(json{{"contactId", 7}, {"body", "  Called, no answer\n"}});
    CHECK(write.contact_id == 7);
    CHECK(write.body == "Called, no answer");
    const auto refused = [](const json& body) {
        return test::refusal([&] { notes::parse_write(body); });
    };
    CHECK(refused({{"body", "x"}}).starts_with("invalid_field contactId"));
    CHECK(refused({{"contactId", "7"}, {"body", "x"}}).starts_with("invalid_field contactId"));
    CHECK(refused({{"contactId", 7}}).starts_with("missing_field body"));
    CHECK(refused({{"contactId", 7}, {"body", "   "}}).starts_with("missing_field body"));
    CHECK(refused({{"contactId", 7}, {"body", std::string(2001, 'x')}})
              .starts_with("invalid_field body"));
    CHECK(refused({{"contactId", 7}, {"body", std::string("a\0b", 3)}})
              .starts_with("invalid_field body"));

    const auto q = notes::parse_query(parse_form("contactId=4&limit=10&before=99"));
    CHECK(q.contact_id == 4);
    CHECK(q.limit == 10);
    CHECK(q.before == 99);
    for (const char* bad : {"", "contactId=0", "contactId=4&limit=201", "contactId=4&before=x"}) {
        INFO(bad);
        CHECK(test::refusal([&] {
                  notes::parse_query(parse_form(bad));
              }).starts_with("invalid_query"));
    }
}

TEST_CASE("notes::to_json names the author, or none for a key of nobody") {
    notes::Note note{5, 7, 2, "Abe Agent", "Hi @Ann", {{1, "Ann"}}, "2026-12-07T10:00:00.000Z"};
    const auto j = notes::to_json(note);
    CHECK(j == json{{"id", 5},
                    {"contactId", 7},
                    {"author", {{"id", 2}, {"name", "Abe Agent"}}},
                    {"authorName", "Abe Agent"},
                    {"body", "Hi @Ann"},
                    {"mentions", {{{"id", 1}, {"name", "Ann"}}}},
                    {"createdAt", "2026-12-07T10:00:00.000Z"}});
    note.author_id.reset();
    note.author_name = "integration";
    CHECK(notes::to_json(note)["author"] == nullptr);
}
