// Tracked links (issue 29) through textus-send, nginx and textus-links: a {link:URL} in a text
// becomes the recipient's own short link on our domain, a click redirects and is counted (a
// HEAD is not), and a code that is not ours or expired gets a plain page.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

int64_t opted_in_contact() {
    const auto made = call(
        "POST", "/api/crm/contacts",
        {{"firstName", "Lin"}, {"lastName", "Links"}, {"phone", new_phone()}, {"smsOptIn", true}});
    REQUIRE(made.status == 201);
    return made.json()["contact"]["id"].get<int64_t>();
}

// The short link's code in `body`: PUBLIC_BASE_URL/l/CODE.
std::string code_in(const std::string& body) {
    static const std::regex kShort(R"(http://127\.0\.0\.1:\d+/l/([0-9A-Za-z]{10})\b)");
    std::smatch m;
    REQUIRE(std::regex_search(body, m, kShort));
    return m.str(1);
}

std::string counted(const std::string& code) {
    return q("SELECT clicks || '|' || (first_clicked_at IS NOT NULL) FROM links WHERE code = '" +
             code + "'");
}

}  // namespace

TEST_CASE("a {link:...} becomes the recipient's own short link; a click redirects and counts",
          "[links]") {
    const auto long_url = "https://example.com/club?join=1&from=sms";
    const auto contact = opted_in_contact();
    const auto sent = call(
        "POST", "/api/crm/sms/send",
        {{"contactId", contact}, {"body", std::string("Join the club: {link:") + long_url + "}"}});
    INFO(sent.body);
    REQUIRE(sent.status == 201);
    const auto body = sent.json()["message"]["body"].get<std::string>();
    CHECK(body.find("{link:") == std::string::npos);
    CHECK(body.find("example.com") == std::string::npos);
    const auto code = code_in(body);
    CHECK(sent.json()["segments"] == 1);  // the short link is counted, not the long one
    const auto phone = q("SELECT phone FROM contacts WHERE id = " + std::to_string(contact));
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == 1);
    CHECK(creates[0]["form"]["Body"][0].get<std::string>().find("/l/" + code) != std::string::npos);
    CHECK(q("SELECT url || '|' || (contact_id = " + std::to_string(contact) +
            ")::text || '|' || (message_id = " + sent.json()["message"]["id"].dump() +
            ")::text FROM links WHERE code = '" + code + "'") ==
          std::string(long_url) + "|true|true");

    // No key: anyone with the text may follow it.
    const auto click = stack().request("GET", "/l/" + code, "", "");
    CHECK(click.status == 302);
    CHECK(click.headers.at("Location") == long_url);
    CHECK(click.headers.at("Cache-Control") == "no-store");
    CHECK(counted(code) == "1|true");
    CHECK(stack().request("HEAD", "/l/" + code, "", "").status == 302);
    CHECK(counted(code) == "1|true");
    CHECK(stack().request("GET", "/l/" + code, "", "").status == 302);
    CHECK(counted(code) == "2|true");

    // Not ours, malformed, or expired: a plain page, no JSON, no dump.
    for (const auto& path :
         std::vector<std::string>{"/l/ZZZZZZZZZZ", "/l/abc%21%24", "/l/", "/l/" + code + "x"}) {
        INFO(path);
        const auto gone = stack().request("GET", path, "", "");
        CHECK(gone.status == 404);
        CHECK(gone.headers.at("Content-Type") == "text/html; charset=utf-8");
        CHECK(gone.body.find("does not work any more") != std::string::npos);
    }
    q("UPDATE links SET expires_at = now() - interval '1 s' WHERE code = '" + code +
      "' RETURNING 1");
    CHECK(stack().request("GET", "/l/" + code, "", "").status == 404);
    CHECK(counted(code) == "2|true");
}

TEST_CASE(
    "a template's link is a new code for each recipient; a link that is no web address is "
    "refused and nothing is sent",
    "[links]") {
    const auto made = call("POST", "/api/crm/sms/templates",
                           {{"name", "Club link " + std::to_string(stack().port)},
                            {"body", "Hi {firstName}, {link:https://example.com/pickup}"}});
    REQUIRE(made.status == 201);
    const auto id = made.json()["template"]["id"];
    std::string codes[2];
    for (auto& code : codes) {
        const auto sent = call("POST", "/api/crm/sms/send",
                               {{"contactId", opted_in_contact()}, {"templateId", id}});
        REQUIRE(sent.status == 201);
        code = code_in(sent.json()["message"]["body"]);
    }
    CHECK(codes[0] != codes[1]);

    const auto contact = opted_in_contact();
    for (const std::string bad : {"{link:javascript:alert(1)}", "{link:https://exa mple.com}",
                                  "{link:ftp://example.com/x}", "{link:}"}) {
        INFO(bad);
        check_error(call("POST", "/api/crm/sms/send", {{"contactId", contact}, {"body", bad}}), 400,
                    "invalid_link", "body");
    }
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + std::to_string(contact)) == "0");
}
