#include "common/sending/chat.h"

#include <catch2/catch.hpp>
#include <set>

#include "common/core/error.h"

using namespace textus;
using nlohmann::json;

namespace {

json lead() {
    return {{"firstName", " Ann "},
            {"lastName", "Lee"},
            {"phoneNumber", "(619) 555-0142"},
            {"message", "Hi!\nA table?"},
            {"consent", true}};
}

// The field a refused body names, with its code: "field code".
std::string refusal(const json& body) {
    try {
        chat::parse_initiate(body, "US");
    } catch (const HttpError& e) {
        CHECK(e.status == 400);
        return e.field + " " + e.code;
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("initiate's body: the lead, the message and consent", "[chat]") {
    const auto parsed = chat::parse_initiate(lead(), "US");
    CHECK(parsed.lead.first_name == "Ann");
    CHECK(parsed.lead.phone == "+16195550142");
    CHECK_FALSE(parsed.lead.email);
    CHECK(parsed.message == "Hi!\nA table?");

    auto body = lead();
    body["email"] = "Ann@Example.com";
    body["birthdate"] = "1990-04-01";
    const auto full = chat::parse_initiate(body, "US");
    CHECK(full.lead.email == "Ann@Example.com");
    CHECK(full.lead.birthdate == "1990-04-01");
}

TEST_CASE("initiate's body is refused naming the field", "[chat]") {
    const auto without = [](const char* key) {
        auto body = lead();
        body.erase(key);
        return body;
    };
    const auto with = [](const char* key, json value) {
        auto body = lead();
        body[key] = std::move(value);
        return body;
    };
    CHECK(refusal(without("firstName")) == "firstName missing_field");
    CHECK(refusal(with("lastName", "  ")) == "lastName missing_field");
    CHECK(refusal(without("phoneNumber")) == "phoneNumber missing_field");
    CHECK(refusal(with("phoneNumber", "12")) == "phoneNumber invalid_phone");
    CHECK(refusal(with("phoneNumber", 6195550142)) == "phoneNumber invalid_field");
    CHECK(refusal(without("message")) == "message missing_field");
    CHECK(refusal(with("message", " \n ")) == "message missing_field");
    CHECK(refusal(with("message", std::string(1001, 'a'))) == "message invalid_field");
    CHECK(refusal(with("message", std::string(1000, 'a'))) == "(accepted)");
    // 1000 characters, not bytes.
    std::string accented;
    for (int i = 0; i < 1000; ++i) accented += "é";
    CHECK(refusal(with("message", accented)) == "(accepted)");
    CHECK(refusal(with("message", std::string("a\0b", 3))) == "message invalid_field");
    CHECK(refusal(with("message", "bell\x07")) == "message invalid_field");
    CHECK(refusal(without("consent")) == "consent consent_required");
    CHECK(refusal(with("consent", "true")) == "consent consent_required");
    CHECK(refusal(with("consent", 1)) == "consent consent_required");
    CHECK(refusal(with("consent", false)) == "consent consent_required");
    CHECK(refusal(with("email", "ann@")) == "email invalid_email");
}

TEST_CASE("a chat post is a message like initiate's", "[chat]") {
    CHECK(chat::parse_post({{"body", " Patio? "}}) == "Patio?");
    CHECK_THROWS_AS(chat::parse_post(json::object()), HttpError);
    CHECK_THROWS_AS(chat::parse_post({{"body", nullptr}}), HttpError);
    CHECK_THROWS_AS(chat::parse_post({{"body", 5}}), HttpError);
}

TEST_CASE("channel ids are 256 random bits, base64url, kept as their SHA-256", "[chat]") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto channel = chat::new_channel();
        CHECK(channel.size() == 43);
        CHECK(chat::well_formed(channel));
        seen.insert(channel);
    }
    CHECK(seen.size() == 1000);
    CHECK_FALSE(chat::well_formed(std::string(42, 'A')));
    CHECK_FALSE(chat::well_formed(std::string(44, 'A')));
    CHECK_FALSE(chat::well_formed(std::string(42, 'A') + "="));
    CHECK_FALSE(chat::well_formed(std::string(42, 'A') + "/"));
    // sha256("abc"), FIPS 180-2's example.
    CHECK(chat::channel_hash("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a code is six digits, spaces between allowed; anything else is refused", "[chat]") {
    CHECK(chat::parse_code({{"code", "042917"}}) == "042917");
    CHECK(chat::parse_code({{"code", "042 917"}}) == "042917");
    for (const json& body :
         {json::object(), json{{"code", 42917}}, json{{"code", "42917"}}, json{{"code", "0429170"}},
          json{{"code", "04291a"}}, json{{"code", "０４２９１７"}}, json{{"code", "042-917"}},
          json{{"code", nullptr}}}) {
        try {
            chat::parse_code(body);
            FAIL("accepted " << body.dump());
        } catch (const HttpError& e) {
            CHECK(e.status == 400);
            CHECK(e.code == "invalid_code");
            CHECK(e.field == "code");
        }
    }
}

TEST_CASE("a code that did not confirm is told apart; a confirmed one is not refused", "[chat]") {
    using Outcome = chat::Verification::Outcome;
    const auto status = [](Outcome outcome, int tries_left) {
        try {
            chat::refuse({.outcome = outcome, .tries_left = tries_left});
        } catch (const HttpError& e) {
            return std::to_string(e.status) + " " + e.code;
        }
        return std::string("confirmed");
    };
    CHECK(status(Outcome::confirmed, 0) == "confirmed");
    CHECK(status(Outcome::wrong, 4) == "400 wrong_code");
    CHECK(status(Outcome::wrong, 0) == "429 code_tries_exhausted");
    CHECK(status(Outcome::exhausted, 0) == "429 code_tries_exhausted");
    CHECK(status(Outcome::expired, 0) == "410 code_expired");
}
