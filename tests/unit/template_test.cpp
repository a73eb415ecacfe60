#include "common/core/template.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using textus::templates::parse_write;
using textus::templates::render;
using textus::templates::Values;
using textus::templates::variables;
using textus::test::refusal;

namespace {

const Values kAnn{"Ann", "Lee", "Quail Hollow", "Maria"};
const Values kNobody{"", "", "Quail Hollow", ""};

}  // namespace

TEST_CASE("templates: every variable renders its value", "[template]") {
    CHECK(render("Hi {firstName} {lastName}, {agent} at {businessName} here.", kAnn) ==
          "Hi Ann Lee, Maria at Quail Hollow here.");
    CHECK(render("{firstName}{firstName}", kAnn) == "AnnAnn");
    CHECK(render("No variables at all", kAnn) == "No variables at all");
    CHECK(render("", kAnn).empty());
}

TEST_CASE("templates: a missing value leaves no doubled space and no space before punctuation",
          "[template]") {
    CHECK(render("Hi {firstName}, your pick-up is ready.", kNobody) ==
          "Hi, your pick-up is ready.");
    CHECK(render("Hi {firstName} {lastName}, welcome", kNobody) == "Hi, welcome");
    CHECK(render("Hi {firstName} {lastName}!", {"Ann", "", "", ""}) == "Hi Ann!");
    CHECK(render("{firstName} your order is in", kNobody) == "your order is in");
    CHECK(render("Dear {firstName}\nThanks", kNobody) == "Dear\nThanks");
    CHECK(render("Call {agent} today", kNobody) == "Call today");
    CHECK(render("Hi {firstName}", kNobody) == "Hi");
    CHECK(render("{firstName} {lastName}", kNobody).empty());
    // Only the gap's own space goes: spacing elsewhere is the writer's.
    CHECK(render("A  {agent} B", kNobody) == "A  B");
}

TEST_CASE("templates: braces that are no variable are text", "[template]") {
    CHECK(render("{ firstName } {} {{firstName}} {first-name", kAnn) ==
          "{ firstName } {} {Ann} {first-name");
    CHECK(variables("{ x } {} {a-b} {").empty());
    CHECK(variables("{firstName} {agent} {firstName}") ==
          std::vector<std::string>{"firstName", "agent"});
}

TEST_CASE("templates: an unknown variable is refused, named", "[template]") {
    CHECK(refusal([] { variables("Hi {first_name}"); }) ==
          "unknown_variable body: Unknown variable {first_name}: use {firstName}, {lastName}, "
          "{businessName} or {agent}");
    CHECK(refusal([] { variables("Hi {FirstName}"); }).starts_with("unknown_variable body"));
    CHECK(refusal([] { variables("{agent} {x}", "text"); }).starts_with("unknown_variable text"));
}

TEST_CASE("templates: writes need a name and a body", "[template]") {
    const auto t =
        parse_write({{"name", "  Price drop "}, {"body", "Hi {firstName},\nnew price!"}});
    CHECK(t.name == "Price drop");
    CHECK(t.body == "Hi {firstName},\nnew price!");
    CHECK(refusal([] { parse_write({{"body", "x"}}); }).starts_with("missing_field name"));
    CHECK(refusal([] {
              parse_write({{"name", "x"}, {"body", "  "}});
          }).starts_with("missing_field body"));
    CHECK(refusal([] {
              parse_write({{"name", "x"}, {"body", 5}});
          }).starts_with("invalid_field body"));
    CHECK(refusal([] {
              parse_write({{"name", "a\nb"}, {"body", "x"}});
          }).starts_with("invalid_field name"));
    CHECK(refusal([] {
              parse_write({{"name", "x"}, {"body", std::string("a\0b", 3)}});
          }).starts_with("invalid_field body"));
    CHECK(refusal([] {
              parse_write({{"name", std::string(101, 'n')}, {"body", "x"}});
          }).starts_with("invalid_field name"));
    CHECK(refusal([] {
              parse_write({{"name", "x"}, {"body", std::string(1601, 'b')}});
          }).starts_with("invalid_field body"));
    CHECK(refusal([] {
              parse_write({{"name", "x"}, {"body", "{nope}"}});
          }).starts_with("unknown_variable body"));
}
