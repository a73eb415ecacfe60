// Inbound media (issue 28) through the webhook, the worker, nginx and textus-media: Twilio's
// media URL asks for the account's credentials (the simulator's do), the worker fetches a copy
// into PostgreSQL, staff read the copy with their key, and no page is given Twilio's URL. A host
// not Twilio's, a type a browser would run, a fake picture, an item too large, Twilio failing,
// and a worker killed mid-fetch each end as the decisions say (docs/decisions.md, Media).
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

// A 1x1 PNG.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\r"
    "IDATx\x9c"
    "c\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xae"
    "B`\x82",
    67);

// `bytes` held by the Twilio simulator as a customer's medium: its MediaUrl and message SID.
struct Held {
    std::string url;
    std::string message_sid;
};
Held hold(const std::string& bytes, const std::string& type, const std::string& message_sid = "") {
    httplib::Client sim("127.0.0.1", stack().sim_port);
    const auto answer =
        sim.Post(("/sim/media" + (message_sid.empty() ? "" : "?messageSid=" + message_sid)).c_str(),
                 bytes, type.c_str());
    REQUIRE(answer);
    REQUIRE(answer->status == 200);
    const auto j = json::parse(answer->body);
    return {j["url"], j["messageSid"]};
}

// An inbound MMS from `from` with `media` ({url, declared type}), as Twilio posts it.
void text_media(const std::string& sid, const std::string& from,
                const std::vector<std::pair<std::string, std::string>>& media) {
    auto fields = inbound(sid, from, "Look at this");
    for (auto& [name, value] : fields) {
        if (name == "NumMedia") value = std::to_string(media.size());
    }
    for (size_t i = 0; i < media.size(); ++i) {
        fields.push_back({"MediaUrl" + std::to_string(i), media[i].first});
        fields.push_back({"MediaContentType" + std::to_string(i), media[i].second});
    }
    REQUIRE(post("/api/twilio/webhook", fields).status == 200);
}

// The message with `sid` as staff read it.
json message_with(const std::string& sid) {
    const auto id = q("SELECT id FROM messages WHERE sid = '" + sid + "'");
    const auto contact = q("SELECT contact_id FROM messages WHERE sid = '" + sid + "'");
    const auto reply = call("GET", "/api/crm/sms/messages?contactId=" + contact);
    REQUIRE(reply.status == 200);
    for (const auto& m : reply.json()["messages"]) {
        if (std::to_string(m["id"].get<int64_t>()) == id) return m;
    }
    FAIL("message " + sid + " not listed");
    return nullptr;
}

std::string media_state(const std::string& sid) {
    return q(
        "SELECT string_agg(d.state || ':' || coalesce(d.error, ''), ',' ORDER BY position)"
        " FROM media d JOIN messages m ON m.id = d.message_id WHERE m.sid = '" +
        sid + "'");
}

// The Twilio simulator's recorded GETs of media content (not its .json resources).
int media_gets(bool with_credentials) {
    int n = 0;
    const auto recorded = stack().twilio_sim("GET", "/sim/requests");
    for (const auto& r : recorded["requests"]) {
        const auto path = r["path"].get<std::string>();
        if (r["method"] == "GET" && path.find("/Media/ME") != std::string::npos &&
            !path.ends_with(".json") && r["authOk"] == with_credentials) {
            ++n;
        }
    }
    return n;
}

}  // namespace

TEST_CASE("an inbound picture is fetched with the account's credentials and shown from our copy",
          "[media]") {
    stack().twilio_sim("DELETE", "/sim/requests");
    const auto from = new_phone();
    const auto held = hold(kPng, "image/png");
    text_media(held.message_sid, from, {{held.url, "image/png"}});

    // Before the worker: pending, and the page gets our URL, never Twilio's.
    auto shown = message_with(held.message_sid);
    INFO(shown.dump());
    REQUIRE(shown["media"].size() == 1);
    CHECK(shown["media"][0]["state"] == "pending");
    const auto url = shown["media"][0]["url"].get<std::string>();
    CHECK(url == "/api/crm/sms/media/" + std::to_string(shown["media"][0]["id"].get<int64_t>()));
    CHECK(shown["mediaUrls"] == json{url});
    CHECK(shown.dump().find("/2010-04-01/") == std::string::npos);
    check_error(stack().request("GET", url), 409, "media_pending");

    // The simulator, as Twilio with media authentication on, refuses a media URL without them.
    httplib::Client sim("127.0.0.1", stack().sim_port);
    const auto bare = sim.Get(held.url.substr(held.url.find("/2010-04-01")).c_str());
    REQUIRE(bare);
    CHECK(bare->status == 401);

    const auto out = run_worker_once();
    INFO(out);
    CHECK(out.find("media: stored 1, failed 0") != std::string::npos);
    CHECK(media_gets(true) == 1);
    CHECK(media_gets(false) == 1);  // the bare GET above; the worker's went with credentials

    const auto copy = stack().request("GET", url);
    CHECK(copy.status == 200);
    CHECK(copy.body == kPng);
    CHECK(copy.headers.at("Content-Type") == "image/png");
    CHECK(copy.headers.at("Cache-Control") == "private, max-age=604800, immutable");
    CHECK(copy.headers.at("Content-Disposition").starts_with("inline"));
    CHECK(copy.headers.at("X-Content-Type-Options") == "nosniff");
    shown = message_with(held.message_sid);
    CHECK(shown["media"][0]["state"] == "stored");
    CHECK(shown["media"][0]["bytes"] == kPng.size());

    // Staff only: no key, a wrong key.
    check_error(stack().request("GET", url, "", ""), 401, "unauthorized");
    check_error(stack().request("GET", url, "", "tx_wrong"), 401, "unauthorized");
    check_error(stack().request("GET", "/api/crm/sms/media/999999999"), 404, "not_found");
    check_error(stack().request("GET", "/api/crm/sms/media/1x"), 400, "invalid_id", "id");
    // The pages' policy no longer lets a picture come from any https: host.
    const auto page = stack().request("GET", "/inbox/", "", "");
    CHECK(page.headers.at("Content-Security-Policy").find("https:") == std::string::npos);
}

TEST_CASE(
    "media are refused from a host not Twilio's, as a type a browser runs, as a fake "
    "picture and past 5 MB; staff see why and may ask again",
    "[media]") {
    const auto from = new_phone();
    const auto sid = new_sid("MM");
    const auto fake = hold("<html><script>alert(1)</script></html>", "image/jpeg");
    const auto html = hold("<html><script>alert(1)</script></html>", "text/html");
    const auto big = hold(std::string(5 * 1024 * 1024 + 1, 'x'), "video/mp4");
    // A signed post can still name another host: the commerce7 simulator, which records nothing
    // of it as no request comes.
    const auto elsewhere = "http://127.0.0.1:" + std::to_string(stack().c7_sim_port) + "/a.jpg";
    text_media(sid, from,
               {{elsewhere, "image/jpeg"},
                {fake.url, "image/jpeg"},
                {html.url, "text/html"},
                {big.url, "video/mp4"}});
    const auto out = run_worker_once();
    INFO(out);
    CHECK(out.find("media: stored 0, failed 4") != std::string::npos);
    const auto states = media_state(sid);
    INFO(states);
    CHECK(states.find("failed:Not one of Twilio's media hosts: http://127.0.0.1:") == 0);
    CHECK(states.find(",failed:not a picture") != std::string::npos);
    CHECK(states.find(",failed:type not kept: text/html") != std::string::npos);
    CHECK(states.find(",failed:The medium is larger than 5242880 bytes") != std::string::npos);
    CHECK(q("SELECT count(*) FROM media d JOIN messages m ON m.id = d.message_id"
            " WHERE m.sid = '" +
            sid + "' AND d.content IS NOT NULL") == "0");

    const auto shown = message_with(sid);
    const auto first = shown["media"][0]["url"].get<std::string>();
    check_error(stack().request("GET", first), 409, "media_failed");
    // Asked again: pending, and the worker tries once more (and is refused again).
    const auto again = call("POST", first + "/retry");
    CHECK(again.status == 202);
    CHECK(again.json()["message"]["media"][0]["state"] == "pending");
    check_error(call("POST", first + "/retry"), 409, "media_not_failed");
    CHECK(run_worker_once().find("media: stored 0, failed 1") != std::string::npos);
}

TEST_CASE(
    "a medium Twilio fails to give is tried again later, and a worker killed mid-fetch "
    "leaves it to the next",
    "[media]") {
    const auto from = new_phone();
    const auto held = hold(kPng, "image/png");
    text_media(held.message_sid, from, {{held.url, "image/png"}});

    // Twilio answering 500 three times (the client's attempts): kept pending, tried later.
    stack().twilio_sim("POST", "/sim/fail", {{"count", 3}, {"status", 500}});
    auto out = run_worker_once();
    INFO(out);
    CHECK(out.find("media: stored 0, failed 0") != std::string::npos);
    CHECK(q("SELECT d.state || ':' || d.attempts || ':' || (next_attempt_at > now() + interval '50 "
            "s')"
            " FROM media d JOIN messages m ON m.id = d.message_id"
            " WHERE m.sid = '" +
            held.message_sid + "'") == "pending:1:true");

    // Due again; the worker is killed while Twilio is slow to answer.
    q("UPDATE media d SET next_attempt_at = now() FROM messages m WHERE m.id = d.message_id"
      " AND m.sid = '" +
      held.message_sid + "' RETURNING 1");
    stack().twilio_sim("POST", "/sim/fail", {{"count", 1}, {"delayMs", 4000}});
    {
        Worker worker;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        worker.kill();
    }
    stack().twilio_sim("DELETE", "/sim/fail");
    CHECK(q("SELECT d.state || ':' || d.attempts || ':' || (claimed_until > now())"
            " FROM media d JOIN messages m ON m.id = d.message_id"
            " WHERE m.sid = '" +
            held.message_sid + "'") == "pending:2:true");
    // Its claim holds the item from another worker until it runs out; then the next takes it.
    CHECK(run_worker_once().find("media: stored 0, failed 0") != std::string::npos);
    q("UPDATE media d SET claimed_until = now() - interval '1 s' FROM messages m"
      " WHERE m.id = d.message_id AND m.sid = '" +
      held.message_sid + "' RETURNING 1");
    out = run_worker_once();
    CHECK(out.find("media: stored 1, failed 0") != std::string::npos);
    CHECK(stack().request("GET", message_with(held.message_sid)["mediaUrls"][0]).body == kPng);
}
