#include "common/sending/outbox.h"

#include <catch2/catch.hpp>

#include "common/http/http_client.h"

using namespace textus;

namespace {

outbox::Claimed ours() {
    outbox::Claimed claimed;
    claimed.message.id = 7;
    claimed.message.direction = "outbound";
    claimed.message.to = "+17605550142";
    claimed.message.body = "Your table is ready\n\nReply STOP to opt out.";
    claimed.attempts = 1;
    claimed.age_seconds = 130;
    claimed.created_after = "2026-12-07T10:00:00.000Z";  // our row's time less the skew
    return claimed;
}

twilio::Message theirs(std::string sid, std::string date = "Mon, 07 Dec 2026 10:05:01 +0000") {
    twilio::Message m;
    m.sid = std::move(sid);
    m.direction = "outbound-api";
    m.to = "+17605550142";
    m.body = "Your table is ready\n\nReply STOP to opt out.";
    m.status = "delivered";
    m.date_created = std::move(date);
    return m;
}

}  // namespace

TEST_CASE("match finds our row among Twilio's newest messages to the number") {
    const auto claimed = ours();
    const auto sid = "SM" + std::string(32, 'a');
    CHECK(outbox::match(claimed, {theirs(sid)}, {})->sid == sid);
    // The newest that fits, as Twilio lists them: newest first.
    const auto older = "SM" + std::string(32, 'b');
    CHECK(outbox::match(claimed, {theirs(sid), theirs(older)}, {})->sid == sid);
    // A SID another row of ours holds is that row's.
    CHECK(outbox::match(claimed, {theirs(sid), theirs(older)}, {sid})->sid == older);
    CHECK_FALSE(outbox::match(claimed, {theirs(sid)}, {sid}));
    CHECK_FALSE(outbox::match(claimed, {}, {}));

    auto other_body = theirs(sid);
    other_body.body = "Your table is ready";
    auto other_number = theirs(sid);
    other_number.to = "+17605550143";
    auto inbound = theirs(sid);
    inbound.direction = "inbound";
    const auto too_old = theirs(sid, "Mon, 07 Dec 2026 09:59:59 +0000");
    const auto no_date = theirs(sid, "");
    for (const auto& m : {other_body, other_number, inbound, too_old, no_date}) {
        INFO(m.body << " " << m.to << " " << m.direction << " " << m.date_created);
        CHECK_FALSE(outbox::match(claimed, {m}, {}));
    }
    // A time zone Twilio does not use still compares as UTC.
    CHECK(outbox::match(claimed, {theirs(sid, "Mon, 07 Dec 2026 02:00:00 -0800")}, {}));
}

TEST_CASE("an unsettled row not at Twilio goes once more while fresh, else fails") {
    auto claimed = ours();
    CHECK(outbox::settle_decision(claimed) == outbox::Unsettled::resend);
    claimed.attempts = outbox::kMaxAttempts;
    CHECK(outbox::settle_decision(claimed) == outbox::Unsettled::fail);
    claimed = ours();
    claimed.age_seconds = outbox::kResendWithinSeconds;
    CHECK(outbox::settle_decision(claimed) == outbox::Unsettled::fail);
    claimed.age_seconds = outbox::kResendWithinSeconds - 1;
    CHECK(outbox::settle_decision(claimed) == outbox::Unsettled::resend);
    // The lease outlasts the client's worst case for a create, waits included: an owner still
    // waiting on Twilio is never overtaken.
    const auto worst =
        http_client::kAttempts * (http_client::kConnectTimeout + http_client::kReadTimeout) +
        (http_client::kAttempts - 1) * http_client::kMaxRetryAfter;
    CHECK(std::chrono::seconds(outbox::kLeaseSeconds) > worst);
}
