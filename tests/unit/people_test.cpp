#include "common/http/people.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;

TEST_CASE("roles are named owner, admin and agent, and no others") {
    for (const auto role : {people::Role::owner, people::Role::admin, people::Role::agent}) {
        CHECK(people::parse_role(people::role_name(role)) == role);
    }
    try {
        people::parse_role("Admin", "--role");
        FAIL("a role in another case was taken");
    } catch (const HttpError& error) {
        CHECK(error.status == 400);
        CHECK(error.code == "invalid_role");
        CHECK(error.field == "--role");
    }
    CHECK_THROWS_AS(people::parse_role(""), HttpError);
}
