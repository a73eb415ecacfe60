#include "common/messages/message.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;
using namespace textus::messages;
using nlohmann::json;

namespace {

const std::string kSid = "SM" + std::string(32, 'a');

int status_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e.status;
    }
    return 0;
}

}  // namespace

TEST_CASE("parse_inbound reads an SMS and an MMS as Twilio posts them") {
    const auto sms = parse_inbound(parse_form("MessageSid=" + kSid +
                                              "&From=%2B17605550142&To=%2B17605550100&Body=Hi+there"
                                              "&NumMedia=0&NumSegments=1"));
    CHECK(sms.sid == kSid);
    CHECK(sms.from == "+17605550142");
    CHECK(sms.body == "Hi there");
    CHECK(sms.segments == 1);
    CHECK(sms.media_urls.empty());
    const auto mms = parse_inbound(
        parse_form("MessageSid=MM" + std::string(32, 'b') +
                   "&From=ACME&To=%2B17605550100&Body=&NumMedia=2&MediaUrl0=https%3A%2F%2Fa"
                   "&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fb"));
    CHECK(mms.from == "ACME");
    CHECK(mms.media_urls == std::vector<std::string>{"https://a", "https://b"});
    CHECK(mms.media_types == std::vector<std::string>{"image/jpeg", ""});
}

TEST_CASE("parse_inbound refuses what Twilio would not send") {
    const std::string good = "&From=%2B17605550142&To=%2B17605550100&Body=x";
    for (const auto& bad :
         {std::string("From=%2B17605550142&To=%2B1&Body=x"), "MessageSid=SM123" + good,
          "MessageSid=XX" + std::string(32, 'a') + good,
          "MessageSid=" + kSid + "&To=%2B17605550100&Body=x",
          "MessageSid=" + kSid +
              "&From=%2B17605550142&To=%2B17605550100&Body=" + std::string(1601, 'x')}) {
        INFO(bad);
        CHECK(status_of([&] { parse_inbound(parse_form(bad)); }) == 400);
    }
}

TEST_CASE("parse_inbound keeps the text when its media fields are wrong, and says what was") {
    const std::string text = "MessageSid=" + kSid + "&From=%2B17605550142&To=%2B17605550100&Body=x";
    const std::string long_url = "https%3A%2F%2Fa" + std::string(1000, 'a');
    const std::pair<std::string, std::string> cases[] = {
        {"&NumMedia=11", "Media not stored: NumMedia must be a number from 0 to 10"},
        {"&NumMedia=1", "Media not stored: MediaUrl0 is missing"},
        {"&NumMedia=1&MediaUrl0=ftp%3A%2F%2Fx",
         "Media not stored: MediaUrl0 is not a URL of at most 1000 bytes"},
        {"&NumMedia=1&MediaUrl0=" + long_url,
         "Media not stored: MediaUrl0 is not a URL of at most 1000 bytes"},
        {"&NumMedia=2&MediaUrl0=https%3A%2F%2Fa&MediaContentType0=" + std::string(101, 't'),
         "Media not stored: MediaContentType0 is unusable; MediaUrl1 is missing"},
    };
    for (const auto& [media, problem] : cases) {
        INFO(media);
        const auto in = parse_inbound(parse_form(text + media));
        CHECK(in.body == "x");
        CHECK(in.media_problem == problem);
    }
    const auto partial = parse_inbound(
        parse_form(text + "&NumMedia=3&MediaUrl0=https%3A%2F%2Fa&MediaContentType0=image%2Fpng"
                          "&MediaUrl2=https%3A%2F%2Fc&MediaContentType2=image%2Fgif"));
    CHECK(partial.media_urls == std::vector<std::string>{"https://a", "https://c"});
    CHECK(partial.media_types == std::vector<std::string>{"image/png", "image/gif"});
    CHECK(partial.media_problem == "Media not stored: MediaUrl1 is missing");
    CHECK_FALSE(parse_inbound(parse_form(text + "&NumMedia=0")).media_problem);
}

TEST_CASE("parse_status reads our id from the query and Twilio's fields from the form") {
    const auto update = parse_status(
        parse_form("MessageSid=" + kSid + "&MessageStatus=undelivered&ErrorCode=30003"),
        parse_form("id=42"));
    CHECK(update.message_id == 42);
    CHECK(update.sid == kSid);
    CHECK(update.status == "undelivered");
    CHECK(update.error_code == 30003);
    CHECK_FALSE(
        parse_status(parse_form("MessageSid=" + kSid + "&MessageStatus=sent"), Form()).message_id);
    for (const char* id : {"id=0", "id=abc", "id=4x", "id=-1"}) {
        CHECK(status_of([&] {
                  parse_status(parse_form("MessageSid=" + kSid + "&MessageStatus=sent"),
                               parse_form(id));
              }) == 400);
    }
    CHECK(status_of([&] { parse_status(parse_form("MessageSid=" + kSid), Form()); }) == 400);
}

TEST_CASE("to_json renders every field of contract.md's message") {
    Message m;
    m.id = 3;
    m.direction = "inbound";
    m.channel = "sms";
    m.status = "received";
    m.created_at = "2026-11-23T09:00:00.000Z";
    const auto j = to_json(m);
    for (const char* key : {"id", "sid", "contactId", "direction", "channel", "from", "to", "body",
                            "mediaUrls", "status", "errorCode", "errorMessage", "segments", "price",
                            "priceUnit", "sentBy", "createdAt", "deliveredAt", "readAt"}) {
        CHECK(j.contains(key));
    }
    CHECK(j["sid"].is_null());
    CHECK(j["mediaUrls"] == json::array());
}

TEST_CASE("parse_message_query reads filters and keyset paging") {
    const auto q = parse_message_query(
        parse_form("contactId=7&phoneNumber=%28760%29+555-0142&direction=inbound&limit=20"
                   "&before=99"),
        "US");
    CHECK(q.contact_id == 7);
    CHECK(q.phone == "+17605550142");
    CHECK(q.direction == "inbound");
    CHECK(q.limit == 20);
    CHECK(q.before == 99);
    const auto d = parse_message_query(parse_form("phoneNumber=22395"), "US");
    CHECK(d.phone == "22395");  // a short code, as stored
    CHECK(d.limit == kDefaultPage);
    CHECK_FALSE(d.before);
    for (const char* bad :
         {"limit=0", "limit=201", "before=0", "contactId=x", "direction=up", "phoneNumber=%01"}) {
        INFO(bad);
        CHECK(status_of([&] { parse_message_query(parse_form(bad), "US"); }) == 400);
    }
}
