#include "common/messages/message_sync.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"
#include "common/messages/message_status.h"

using namespace textus;
using nlohmann::json;

namespace {

const std::string kUs = "+17605550100";
const std::string kThem = "+17605550142";

// A Twilio message as the client parses it; `n` makes its SID and its minute.
twilio::Message message(int n, const std::string& direction = "inbound",
                        const std::string& status = "received") {
    char sid[40], date[40];
    std::snprintf(sid, sizeof sid, "SM%032x", n);
    std::snprintf(date, sizeof date, "Mon, 02 Mar 2026 %02d:%02d:00 +0000", n / 60 % 24, n % 60);
    const bool inbound = direction == "inbound";
    twilio::Message m;
    m.sid = sid;
    m.to = inbound ? kUs : kThem;
    m.from = inbound ? kThem : kUs;
    m.body = "message " + std::to_string(n);
    m.status = status;
    m.direction = direction;
    m.num_segments = 1;
    m.date_created = m.date_sent = m.date_updated = date;
    return m;
}

std::vector<std::string> sids(const std::vector<sync::Imported>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.sid);
    return out;
}

// The HttpError that parse_request throws for `body`.
HttpError refusal(const json& body) {
    try {
        sync::parse_request(body, "US");
    } catch (const HttpError& e) {
        return e;
    }
    FAIL("accepted: " << body.dump());
    return {0, "", ""};
}

sync::Stored stored(const std::string& status) {
    return {.id = 7,
            .sid = message(1).sid,
            .contact_id = 3,
            .from = kUs,
            .status = status,
            .segments = 1,
            .has_twilio_created_at = true};
}

}  // namespace

TEST_CASE("sync: Twilio's directions are inbound or outbound, nothing else", "[sync]") {
    CHECK(sync::direction_of("inbound") == "inbound");
    for (const auto* outbound : {"outbound-api", "outbound-call", "outbound-reply"}) {
        CHECK(sync::direction_of(outbound) == "outbound");
    }
    for (const auto* other : {"", "outbound", "outbound-", "Inbound", "OUTBOUND-API", "in"}) {
        INFO(other);
        CHECK_FALSE(sync::direction_of(other));
    }
}

TEST_CASE("sync: a Twilio message in our columns", "[sync]") {
    auto m = message(5, "outbound-api", "delivered");
    m.num_segments = 2;
    m.num_media = 1;
    m.error_code = 0;
    m.price = "-0.01580";
    m.price_unit = "USD";
    m.date_updated = "Mon, 02 Mar 2026 00:07:30 +0000";
    const auto imported = sync::from_twilio(m);
    REQUIRE(imported);
    CHECK(imported->sid == m.sid);
    CHECK(imported->direction == "outbound");
    CHECK(imported->from == kUs);
    CHECK(imported->to == kThem);
    CHECK(imported->body == "message 5");
    CHECK(imported->status == "delivered");
    CHECK_FALSE(imported->error_code);
    CHECK_FALSE(imported->error_message);
    CHECK(imported->segments == 2);
    CHECK(imported->price == "-0.01580");
    CHECK(imported->price_unit == "USD");
    CHECK(imported->created_at == "2026-03-02T00:05:00Z");
    CHECK(imported->delivered_at == "2026-03-02T00:07:30Z");
    CHECK(imported->num_media == 1);
    CHECK(imported->media_urls.empty());

    // Not billed yet: no price, and no unit alone; a failure keeps Twilio's code and words.
    auto failed = message(6, "outbound-api", "failed");
    failed.price_unit = "USD";
    failed.error_code = 30007;
    failed.error_message = "Carrier violation";
    const auto f = sync::from_twilio(failed);
    REQUIRE(f);
    CHECK_FALSE(f->price);
    CHECK_FALSE(f->price_unit);
    CHECK(f->error_code == 30007);
    CHECK(f->error_message == "Carrier violation");
    CHECK_FALSE(f->delivered_at);

    // A delivered message without a readable update time was delivered when created, at the
    // latest we know of.
    auto undated = message(8, "outbound-reply", "delivered");
    undated.date_updated = "";
    CHECK(sync::from_twilio(undated)->delivered_at == "2026-03-02T00:08:00Z");
}

TEST_CASE("sync: every Twilio status is stored as Twilio says it", "[sync]") {
    for (const auto status : message_status::all()) {
        INFO(status);
        const auto imported = sync::from_twilio(message(9, "outbound-api", std::string(status)));
        REQUIRE(imported);
        CHECK(imported->status == status);
        CHECK(message_status::known(imported->status));
    }
    for (const auto* status : {"accepted", "scheduled", "canceled", "received", "receiving", "read",
                               "partially_delivered"}) {
        CHECK(message_status::known(status));
    }
}

TEST_CASE("sync: a message that cannot be stored is refused", "[sync]") {
    auto bad_sid = message(1);
    bad_sid.sid = "SMnot-a-sid";
    auto no_direction = message(2);
    no_direction.direction = "";
    auto bad_date = message(3);
    bad_date.date_created = "2026-03-02T00:03:00Z";
    auto nul = message(4);
    nul.body = std::string("a\0b", 3);
    for (const auto& m : {bad_sid, no_direction, bad_date, nul}) {
        INFO(m.sid << " " << m.direction << " " << m.date_created);
        CHECK_FALSE(sync::from_twilio(m));
    }
}

TEST_CASE("sync: both lists merge newest first, each SID once, up to the limit", "[sync]") {
    // To the number: outbound 10, 30 and 50; from it: inbound 20 and 40, and 30 again (a
    // message from the number to itself is in both lists).
    const std::vector<twilio::Message> to_number = {message(50, "outbound-api", "delivered"),
                                                    message(30, "outbound-api", "sent"),
                                                    message(10, "outbound-api", "delivered")};
    auto bad = message(60);
    bad.direction = "sideways";
    const std::vector<twilio::Message> from_number = {
        bad, message(40), message(30, "outbound-api", "delivered"), message(20)};
    const auto merged = sync::merge(to_number, from_number, 100);
    CHECK(sids(merged.messages) == std::vector<std::string>{message(50).sid, message(40).sid,
                                                            message(30).sid, message(20).sid,
                                                            message(10).sid});
    CHECK(merged.skipped == 1);
    // Listed twice with two statuses: the later one.
    CHECK(merged.messages[2].status == "delivered");

    const auto newest = sync::merge(to_number, from_number, 2);
    CHECK(sids(newest.messages) == std::vector<std::string>{message(50).sid, message(40).sid});
    CHECK(sync::merge({}, {}, 100).messages.empty());

    // The same second: by SID, so that every run keeps the same ones.
    auto a = message(70), b = message(71);
    b.date_created = a.date_created;
    CHECK(sids(sync::merge({a}, {b}, 1).messages) == std::vector<std::string>{b.sid});
    CHECK(sids(sync::merge({b}, {a}, 1).messages) == std::vector<std::string>{b.sid});
}

TEST_CASE("sync: the customer is the other party, when it is a phone number", "[sync]") {
    CHECK(sync::customer_phone(*sync::from_twilio(message(1))) == kThem);
    CHECK(sync::customer_phone(*sync::from_twilio(message(2, "outbound-api", "sent"))) == kThem);
    auto short_code = message(3);
    short_code.from = "22395";
    CHECK_FALSE(sync::customer_phone(*sync::from_twilio(short_code)));
    auto national = message(4);
    national.from = "7605550142";
    CHECK_FALSE(sync::customer_phone(*sync::from_twilio(national)));
}

TEST_CASE("sync: a stored message's status moves forward only", "[sync]") {
    const auto delivered = *sync::from_twilio(message(1, "outbound-api", "delivered"));
    const auto sent = *sync::from_twilio(message(1, "outbound-api", "sent"));

    const auto moved = sync::refresh(stored("sent"), delivered, 3);
    REQUIRE(moved);
    CHECK(moved->status == "delivered");
    CHECK(moved->has_delivered_at);
    // Applying the same copy again changes nothing: a second sync updates nothing.
    CHECK_FALSE(sync::refresh(*moved, delivered, 3));

    // Never backwards: a stale `sent` leaves `delivered` as it is.
    auto done = stored("delivered");
    done.has_delivered_at = true;
    CHECK_FALSE(sync::refresh(done, sent, 3));
    // A final status stays against another final one, and keeps its own error.
    auto failed = *sync::from_twilio(message(1, "outbound-api", "failed"));
    failed.error_code = 30003;
    CHECK_FALSE(sync::refresh(done, failed, 3));
    // A status that moves brings Twilio's error with it.
    const auto now_failed = sync::refresh(stored("sent"), failed, 3);
    REQUIRE(now_failed);
    CHECK(now_failed->status == "failed");
    CHECK(now_failed->error_code == 30003);
    CHECK_FALSE(now_failed->has_delivered_at);
    // Inbound and outbound statuses never replace each other.
    CHECK(sync::refresh(stored("received"), sent, 3) == std::nullopt);
}

TEST_CASE("sync: a stored message gains what Twilio knows and we lack", "[sync]") {
    auto twilio = *sync::from_twilio(message(1, "outbound-api", "sent"));
    twilio.price = "-0.00790";
    twilio.price_unit = "USD";
    auto ours = stored("sent");
    ours.has_twilio_created_at = false;
    const auto filled = sync::refresh(ours, twilio, 3);
    REQUIRE(filled);
    CHECK(filled->price == "-0.00790");
    CHECK(filled->price_unit == "USD");
    CHECK(filled->has_twilio_created_at);
    CHECK(filled->status == "sent");

    // A dead send's row: no SID yet, the sender a Messaging Service's until Twilio says.
    auto unsent = stored("queued");
    unsent.sid.reset();
    unsent.from = "MG0123456789abcdef0123456789abcdef";
    const auto claimed = sync::refresh(unsent, twilio, 3);
    REQUIRE(claimed);
    CHECK(claimed->sid == twilio.sid);
    CHECK(claimed->from == kUs);
    CHECK(claimed->status == "sent");

    // The contact: linked when the message had none, another contact's link stays.
    auto unlinked = *filled;
    unlinked.contact_id.reset();
    CHECK(sync::refresh(unlinked, twilio, 3)->contact_id == 3);
    CHECK_FALSE(sync::refresh(*filled, twilio, 4));
    // An error of the same status fills a gap; it never overwrites ours.
    auto undelivered = stored("undelivered");
    undelivered.has_twilio_created_at = true;
    auto twilio_undelivered = *sync::from_twilio(message(1, "outbound-api", "undelivered"));
    twilio_undelivered.error_code = 30005;
    CHECK(sync::refresh(undelivered, twilio_undelivered, 3)->error_code == 30005);
    undelivered.error_code = 30003;
    CHECK_FALSE(sync::refresh(undelivered, twilio_undelivered, 3));
}

TEST_CASE("sync: the request names one number or one message", "[sync]") {
    const auto by_contact = sync::parse_request({{"contactId", 42}}, "US");
    CHECK(by_contact.contact_id == 42);
    CHECK(by_contact.limit == sync::kDefaultLimit);
    const auto by_phone = sync::parse_request(
        {{"phoneNumber", " (760) 555-0142 "}, {"limit", 1000}, {"contactId", nullptr}}, "US");
    CHECK(by_phone.phone == kThem);
    CHECK_FALSE(by_phone.contact_id);
    CHECK(by_phone.limit == 1000);
    const auto by_sid = sync::parse_request({{"messageSid", message(1).sid}}, "US");
    CHECK(by_sid.message_sid == message(1).sid);
    CHECK(sync::parse_request({{"contactId", 1}, {"limit", 1}}, "US").limit == 1);

    const std::vector<std::tuple<json, std::string, std::string>> refused = {
        {json::object(), "missing_field", "contactId"},
        {{{"limit", 10}}, "missing_field", "contactId"},
        {{{"contactId", 1}, {"phoneNumber", kThem}}, "invalid_field", "phoneNumber"},
        {{{"contactId", 1}, {"messageSid", message(1).sid}}, "invalid_field", "messageSid"},
        {{{"contactId", 0}}, "invalid_field", "contactId"},
        {{{"contactId", "1"}}, "invalid_field", "contactId"},
        {{{"contactId", 1.5}}, "invalid_field", "contactId"},
        {{{"contactId", 18446744073709551615ULL}}, "invalid_field", "contactId"},
        {{{"phoneNumber", "not a phone"}}, "invalid_phone", "phoneNumber"},
        {{{"phoneNumber", "+1 555 123 4567"}}, "invalid_phone", "phoneNumber"},
        {{{"phoneNumber", ""}}, "invalid_phone", "phoneNumber"},
        {{{"phoneNumber", std::string(41, '1')}}, "invalid_phone", "phoneNumber"},
        {{{"phoneNumber", 17605550142}}, "invalid_field", "phoneNumber"},
        {{{"messageSid", "SM123"}}, "invalid_field", "messageSid"},
        {{{"messageSid", "XX" + std::string(32, 'a')}}, "invalid_field", "messageSid"},
        {{{"contactId", 1}, {"limit", 0}}, "invalid_field", "limit"},
        {{{"contactId", 1}, {"limit", 1001}}, "invalid_field", "limit"},
        {{{"contactId", 1}, {"limit", "x"}}, "invalid_field", "limit"},
        {{{"contactId", 1}, {"limit", 10.5}}, "invalid_field", "limit"},
        {{{"contactId", 1}, {"limit", -1}}, "invalid_field", "limit"},
    };
    for (const auto& [body, code, field] : refused) {
        INFO(body.dump());
        const auto e = refusal(body);
        CHECK(e.status == 400);
        CHECK(e.code == code);
        CHECK(e.field == field);
    }
}
