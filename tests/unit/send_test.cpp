#include "common/sending/send.h"

#include <catch2/catch.hpp>

using namespace textus;
using nlohmann::json;

namespace {

send::Request parse(const json& body, std::string_view key = "") {
    return send::parse(body, key, "US");
}

std::string field_of(const json& body, std::string_view key = "") {
    try {
        parse(body, key);
    } catch (const HttpError& e) {
        CHECK(e.status == 400);
        return e.field;
    }
    return "(accepted)";
}

int status_of(const send::Request& request, const send::NumberRecord& number) {
    try {
        send::check_allowed(request, number);
    } catch (const HttpError& e) {
        return e.status;
    }
    return 0;
}

}  // namespace

TEST_CASE("a send request names a number or a contact, and a body or media", "[send]") {
    const auto by_phone = parse({{"to", "(760) 555-0142"}, {"body", "Hi"}}, "k-1");
    CHECK(by_phone.to == "+17605550142");
    CHECK_FALSE(by_phone.contact_id);
    CHECK(by_phone.body == "Hi");
    CHECK(by_phone.idempotency_key == "k-1");

    const auto by_contact = parse({{"contactId", 7}, {"mediaUrls", {"https://e.com/a.jpg"}}});
    CHECK(by_contact.contact_id == 7);
    CHECK(by_contact.body.empty());
    CHECK(by_contact.media_urls == std::vector<std::string>{"https://e.com/a.jpg"});
    CHECK_FALSE(by_contact.idempotency_key);

    const auto opt_in = parse({{"contactId", 7}, {"optInRequest", true}, {"body", nullptr}});
    CHECK(opt_in.opt_in_request);

    // Exactly 1,600 characters (not bytes) is Twilio's limit.
    CHECK(field_of({{"contactId", 7}, {"body", std::string(1600, 'a')}}) == "(accepted)");
    std::string accents;
    for (int i = 0; i < 1600; ++i) accents += "é";
    CHECK(field_of({{"contactId", 7}, {"body", accents}}) == "(accepted)");
    CHECK(field_of({{"contactId", 7}, {"body", accents + "é"}}) == "body");
}

TEST_CASE("a bad send request names its field", "[send]") {
    CHECK(field_of({{"body", "x"}}) == "to");
    CHECK(field_of({{"to", nullptr}, {"contactId", nullptr}, {"body", "x"}}) == "to");
    CHECK(field_of({{"to", "+17605550142"}, {"contactId", 1}, {"body", "x"}}) == "to");
    CHECK(field_of({{"to", "1-800-FLOWERS"}, {"body", "x"}}) == "to");
    CHECK(field_of({{"to", "+1 760 555 0142 ext 3"}, {"body", "x"}}) == "to");
    CHECK(field_of({{"contactId", -1}, {"body", "x"}}) == "contactId");
    CHECK(field_of({{"contactId", 1.5}, {"body", "x"}}) == "contactId");
    CHECK(field_of({{"contactId", 1}, {"body", "\t\n "}}) == "body");
    CHECK(field_of({{"contactId", 1}, {"body", "a\x07"}}) == "body");
    CHECK(field_of({{"contactId", 1}, {"body", "a\xc2\x85"}}) == "body");  // C1 NEL
    CHECK(field_of({{"contactId", 1}, {"body", "x"}, {"mediaUrls", {1}}}) == "mediaUrls");
    CHECK(field_of({{"contactId", 1}, {"body", "x"}, {"mediaUrls", {"/relative.jpg"}}}) ==
          "mediaUrls");
    CHECK(field_of({{"contactId", 1},
                    {"body", "x"},
                    {"mediaUrls", {"https://e.com/" + std::string(2048, 'a')}}}) == "mediaUrls");
    CHECK(field_of({{"contactId", 1}, {"optInRequest", 1}}) == "optInRequest");
    CHECK(
        field_of({{"contactId", 1}, {"optInRequest", true}, {"mediaUrls", {"https://e.com/a"}}}) ==
        "mediaUrls");
    CHECK(field_of({{"contactId", 1}, {"body", "x"}}, "two words") == "Idempotency-Key");
    CHECK(field_of({{"contactId", 1}, {"body", "x"}}, "tab\there") == "Idempotency-Key");
    CHECK(field_of({{"contactId", 1}, {"body", "x"}}, std::string(256, 'k')) == "Idempotency-Key");
    CHECK(field_of({{"contactId", 1}, {"body", "x"}}, std::string(255, 'k')) == "(accepted)");
}

TEST_CASE("the digest tells requests apart, not their spelling", "[send]") {
    const auto a = parse({{"to", "(760) 555-0142"}, {"body", "Hi"}});
    const auto b = parse({{"to", "+17605550142"}, {"body", "Hi"}});
    CHECK(a.digest() == b.digest());
    CHECK(a.digest() != parse({{"to", "+17605550142"}, {"body", "Hi!"}}).digest());
    CHECK(a.digest() != parse({{"contactId", 1}, {"body", "Hi"}}).digest());
    CHECK(a.digest().size() == 64);
}

TEST_CASE("who may be texted: opted in or texted first; an opt-out wins; one opt-in request a day",
          "[send]") {
    const auto message = parse({{"contactId", 1}, {"body", "Hi"}});
    const auto opt_in_request = parse({{"contactId", 1}, {"optInRequest", true}});

    CHECK(status_of(message, {}) == 403);
    CHECK(status_of(message, {.last_consent = "opt_in"}) == 0);
    CHECK(status_of(message, {.texted_us = true}) == 0);
    CHECK(status_of(message, {.last_consent = "opt_out", .texted_us = true}) == 409);
    CHECK(status_of(opt_in_request, {.last_consent = "opt_out"}) == 409);

    CHECK(status_of(opt_in_request, {}) == 0);
    CHECK(status_of(opt_in_request, {.seconds_since_opt_in_request = 86400}) == 0);
    CHECK(status_of(opt_in_request, {.seconds_since_opt_in_request = 86399}) == 429);
    try {
        send::check_allowed(opt_in_request, {.seconds_since_opt_in_request = 86000});
        FAIL("allowed");
    } catch (const HttpError& e) {
        CHECK(e.code == "opt_in_request_limit");
        REQUIRE(e.headers.size() == 1);
        CHECK(e.headers[0] == std::pair<std::string, std::string>{"Retry-After", "400"});
    }
}

TEST_CASE("the first message to a number carries the opt-out notice", "[send]") {
    Config config;
    config.opt_out_notice = "Reply STOP to opt out.";
    config.opt_in_request_text = "Acme: may we text you? Reply START.";
    const auto message = parse({{"contactId", 1}, {"body", "Hi"}});
    CHECK(send::outgoing_body(message, {}, config) == "Hi\n\nReply STOP to opt out.");
    CHECK(send::outgoing_body(message, {.reached = true}, config) == "Hi");
    const auto media_only = parse({{"contactId", 1}, {"mediaUrls", {"https://e.com/a.jpg"}}});
    CHECK(send::outgoing_body(media_only, {}, config) == "Reply STOP to opt out.");
    const auto opt_in_request = parse({{"contactId", 1}, {"optInRequest", true}});
    CHECK(send::outgoing_body(opt_in_request, {.reached = true}, config) ==
          "Acme: may we text you? Reply START.");
    // In the request's language (decide gives it the contact's when it has none).
    config.opt_out_notice_es = "Responde STOP para darte de baja.";
    auto spanish = message;
    spanish.language = language::Language::es;
    CHECK(send::outgoing_body(spanish, {}, config) == "Hi\n\nResponde STOP para darte de baja.");
    spanish.language = language::Language::en;
    CHECK(send::outgoing_body(spanish, {}, config) == "Hi\n\nReply STOP to opt out.");

    // A body that fits alone but not with the notice is told how much room it has.
    const auto full = parse({{"contactId", 1}, {"body", std::string(1590, 'a')}});
    CHECK(send::outgoing_body(full, {.reached = true}, config).size() == 1590);
    try {
        send::outgoing_body(full, {}, config);
        FAIL("accepted");
    } catch (const HttpError& e) {
        CHECK(e.status == 400);
        CHECK(e.code == "body_too_long");
        CHECK(std::string(e.what()).find("1576") != std::string::npos);
    }

    config.opt_in_request_text.clear();
    try {
        send::outgoing_body(opt_in_request, {}, config);
        FAIL("sent without a text");
    } catch (const HttpError& e) {
        CHECK(e.status == 503);
        CHECK(std::string(e.what()).find("OPT_IN_REQUEST_TEXT") != std::string::npos);
    }
}
