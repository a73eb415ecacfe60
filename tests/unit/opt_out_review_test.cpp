#include "common/sending/opt_out_review.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using namespace textus;
using nlohmann::json;
using textus::test::refusal;

TEST_CASE("a decision names the text staff saw and what they decided", "[opt_out]") {
    const auto confirmed = opt_out_review::parse({{"messageId", 42}, {"decision", "opt_out"}});
    CHECK(confirmed.message_id == 42);
    CHECK(confirmed.opt_out);
    CHECK_FALSE(opt_out_review::parse({{"messageId", 7}, {"decision", "dismiss"}}).opt_out);
    for (const json& body :
         {json{{"decision", "dismiss"}}, json{{"messageId", "42"}, {"decision", "dismiss"}},
          json{{"messageId", 0}, {"decision", "dismiss"}},
          json{{"messageId", 4.5}, {"decision", "dismiss"}}}) {
        CAPTURE(body.dump());
        CHECK(refusal([&] { opt_out_review::parse(body); }).starts_with("invalid_field messageId"));
    }
    for (const json& body : {json{{"messageId", 42}}, json{{"messageId", 42}, {"decision", "stop"}},
                             json{{"messageId", 42}, {"decision", true}}}) {
        CAPTURE(body.dump());
        CHECK(refusal([&] { opt_out_review::parse(body); }).starts_with("invalid_field decision"));
    }
}
