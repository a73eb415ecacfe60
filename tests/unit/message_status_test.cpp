#include "common/messages/message_status.h"

#include <catch2/catch.hpp>
#include <set>
#include <string_view>
#include <vector>

using namespace textus;
using message_status::advance;
using message_status::moves_forward;

namespace {

// Twilio's message_enum_status (API 2010), and statuses that are not Twilio's.
const std::vector<std::string_view> kTwilio = {
    "queued",    "sending",  "sent",     "failed",    "delivered", "undelivered",
    "receiving", "received", "accepted", "scheduled", "read",      "partially_delivered",
    "canceled"};
const std::vector<std::string_view> kUnknown = {"",           "Delivered", "DELIVERED",
                                                "delivered ", "pending",   "unknown"};

}  // namespace

TEST_CASE("message_status: every status of Twilio's API is known, nothing else") {
    const auto all = message_status::all();
    CHECK(std::set<std::string_view>(all.begin(), all.end()) ==
          std::set<std::string_view>(kTwilio.begin(), kTwilio.end()));
    for (const auto status : kTwilio) CHECK(message_status::known(status));
    for (const auto status : kTwilio) CHECK(message_status::rank(status) > 0);
    for (const auto status : kUnknown) {
        CHECK_FALSE(message_status::known(status));
        CHECK(message_status::rank(status) == 0);
        CHECK_FALSE(message_status::is_final(status));
    }
}

TEST_CASE("message_status: the usual progressions move forward step by step") {
    const std::vector<std::vector<std::string_view>> paths = {
        {"scheduled", "accepted", "queued", "sending", "sent", "delivered", "read"},
        {"queued", "sending", "sent", "partially_delivered", "delivered"},
        {"accepted", "queued", "sent", "undelivered"},
        {"queued", "failed"},
        {"scheduled", "canceled"},
        {"receiving", "received"},
    };
    for (const auto& path : paths) {
        for (size_t i = 1; i < path.size(); ++i) {
            INFO(path[i - 1] << " -> " << path[i]);
            CHECK(moves_forward(path[i - 1], path[i]));
            CHECK_FALSE(moves_forward(path[i], path[i - 1]));
        }
    }
}

TEST_CASE("message_status: a late status never moves a message backwards") {
    CHECK(advance("delivered", "sent") == "delivered");
    CHECK(advance("sent", "queued") == "sent");
    CHECK(advance("sending", "queued") == "sending");
    CHECK(advance("queued", "accepted") == "queued");
    CHECK(advance("undelivered", "sent") == "undelivered");
    CHECK(advance("read", "delivered") == "read");
    CHECK(advance("delivered", "partially_delivered") == "delivered");
    CHECK(advance("received", "receiving") == "received");
}

TEST_CASE("message_status: read follows delivered, and may skip it") {
    CHECK(advance("delivered", "read") == "read");
    CHECK(advance("sent", "read") == "read");  // the delivered callback came late or never
    CHECK(advance("partially_delivered", "read") == "read");
}

TEST_CASE("message_status: the first final status stays") {
    CHECK(advance("failed", "delivered") == "failed");
    CHECK(advance("delivered", "failed") == "delivered");
    CHECK(advance("undelivered", "delivered") == "undelivered");
    CHECK(advance("delivered", "undelivered") == "delivered");
    CHECK(advance("failed", "undelivered") == "failed");
    CHECK(advance("undelivered", "read") == "undelivered");
    CHECK(advance("failed", "read") == "failed");
    CHECK(advance("canceled", "queued") == "canceled");
    CHECK(advance("canceled", "delivered") == "canceled");
    CHECK(advance("sent", "undelivered") == "undelivered");
    CHECK(advance("partially_delivered", "undelivered") == "undelivered");
    for (const auto from : kTwilio) {
        if (!message_status::is_final(from) || from == "delivered") continue;
        for (const auto to : kTwilio) {
            INFO(from << " -> " << to);
            CHECK_FALSE(moves_forward(from, to));
        }
    }
}

TEST_CASE("message_status: an unknown status never overwrites a known one") {
    for (const auto from : kTwilio) {
        for (const auto to : kUnknown) {
            INFO(from << " -> '" << to << "'");
            CHECK(advance(from, to) == from);
        }
    }
    // Nothing known to keep: any known status is better.
    CHECK(advance("", "queued") == "queued");
    CHECK(advance("pending", "delivered") == "delivered");
    CHECK(advance("pending", "other") == "pending");
}

TEST_CASE("message_status: inbound and outbound statuses never replace each other") {
    CHECK(advance("received", "delivered") == "received");
    CHECK(advance("receiving", "sent") == "receiving");
    CHECK(advance("sent", "received") == "sent");
    CHECK(advance("queued", "receiving") == "queued");
}

TEST_CASE("message_status: the same status is no change; the order has no cycles") {
    std::vector<std::string_view> every = kTwilio;
    every.insert(every.end(), kUnknown.begin(), kUnknown.end());
    for (const auto a : every) {
        CHECK_FALSE(moves_forward(a, a));
        for (const auto b : every) {
            INFO(a << " -> " << b);
            CHECK_FALSE((moves_forward(a, b) && moves_forward(b, a)));
            const auto kept = advance(a, b);
            CHECK((kept.data() == a.data() || kept.data() == b.data()));
            for (const auto c : every) {
                INFO(" -> " << c);
                if (moves_forward(a, b) && moves_forward(b, c)) CHECK(moves_forward(a, c));
            }
        }
    }
}
