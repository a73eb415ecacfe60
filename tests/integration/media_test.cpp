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
#include "tests/integration/long_poll.h"
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

namespace {

// A picture uploaded to send, as the inbox uploads it: its id.
int64_t upload(const std::string& bytes, const std::string& key = "<staff>") {
    const auto reply = stack().request("POST", "/api/crm/sms/media", bytes, key, "image/png");
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return reply.json()["media"]["id"].get<int64_t>();
}

// An opted-in contact: its id and phone.
std::pair<int64_t, std::string> opted_in() {
    const auto phone = new_phone();
    const auto made =
        call("POST", "/api/crm/contacts",
             {{"firstName", "Pia"}, {"lastName", "Media"}, {"phone", phone}, {"smsOptIn", true}});
    REQUIRE(made.status == 201);
    return {made.json()["contact"]["id"].get<int64_t>(), phone};
}

std::string name_of(int64_t media_id) {
    return q("SELECT name FROM media WHERE id = " + std::to_string(media_id));
}

}  // namespace

TEST_CASE(
    "a picture staff send is checked by its bytes, fetched by Twilio from a signed URL "
    "nginx checks, and taken by one send only",
    "[media]") {
    // Uploads: a picture by its bytes, whatever the Content-Type says.
    check_error(stack().request("POST", "/api/crm/sms/media", "", "<staff>", "image/png"), 400,
                "missing_body");
    check_error(stack().request("POST", "/api/crm/sms/media", "<svg onload=alert(1)/>", "<staff>",
                                "image/png"),
                415, "unsupported_media");
    check_error(stack().request("POST", "/api/crm/sms/media", std::string(5 * 1024 * 1024 + 1, 'x'),
                                "<staff>", "image/jpeg"),
                413, "payload_too_large");
    check_error(stack().request("POST", "/api/crm/sms/media", kPng, "", "image/png"), 401,
                "unauthorized");
    const auto before = q("SELECT count(*) FROM media");
    const auto picture = upload(kPng);
    CHECK(std::stoll(q("SELECT count(*) FROM media")) == std::stoll(before) + 1);
    CHECK(name_of(picture).size() == 32);

    const auto [contact, phone] = opted_in();
    stack().twilio_sim("DELETE", "/sim/requests");
    const auto sent =
        call("POST", "/api/crm/sms/send",
             {{"contactId", contact}, {"body", "Our new label"}, {"mediaIds", {picture}}});
    INFO(sent.body);
    REQUIRE(sent.status == 201);
    const auto& message = sent.json()["message"];
    CHECK(message["mediaUrls"] == json{"/api/crm/sms/media/" + std::to_string(picture)});
    CHECK(message["media"][0]["state"] == "stored");
    CHECK(sent.json()["segments"] == 1);
    // Twilio was given our signed URL, which it fetched through nginx.
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == 1);
    const auto given = creates[0]["form"]["MediaUrl"][0].get<std::string>();
    const auto base =
        "http://127.0.0.1:" + std::to_string(stack().port) + "/media/" + name_of(picture);
    CHECK(given.starts_with(base + "?e="));
    CHECK(given.find("&s=") != std::string::npos);
    // What Twilio fetched is the picture: the simulator serves its copy on the message's
    // media URL, with the account's credentials.
    const auto account = "AC" + read_file(stack().state_dir + "/twilio-account");
    httplib::Client sim("127.0.0.1", stack().sim_port);
    sim.set_basic_auth(account, auth_token());
    sim.set_follow_location(true);
    const auto list = sim.Get("/2010-04-01/Accounts/" + account + "/Messages/" +
                              message["sid"].get<std::string>() + "/Media.json");
    REQUIRE(list);
    const auto media_uri = json::parse(list->body)["media_list"][0]["uri"].get<std::string>();
    const auto copy = sim.Get(media_uri.substr(0, media_uri.size() - 5));
    REQUIRE(copy);
    CHECK(copy->body == kPng);
    CHECK(run_worker_once().find("media: stored 0, failed 0") != std::string::npos);

    // The signed URL: nginx refuses it unsigned, forged or expired, before any handler.
    const auto path = given.substr(given.find("/media/"));
    const auto bare = path.substr(0, path.find('?'));
    check_error(stack().request("GET", bare, "", ""), 403, "forbidden");
    check_error(stack().request("GET", bare + "?e=9999999999&s=AAAAAAAAAAAAAAAAAAAAAA", "", ""),
                403, "forbidden");
    check_error(
        stack().request(
            "GET", bare + "?" + signed_query(unix_now() - 1, "media-" + name_of(picture)), "", ""),
        410, "link_expired");
    check_error(stack().request("POST", path, "", ""), 405, "method_not_allowed");
    const auto fetched = stack().request("GET", path, "", "");
    CHECK(fetched.status == 200);
    CHECK(fetched.body == kPng);
    CHECK(fetched.headers.at("Content-Type") == "image/png");
    // A validly signed name that is no upload of ours (an inbound copy's) is not served.
    q("INSERT INTO media (name, source_url, content_type, state, content, bytes)"
      " VALUES ('00000000000000000000000000000001', 'https://api.twilio.com/x', 'image/png',"
      " 'stored', '\\x00', 1) RETURNING 1");
    check_error(
        stack().request("GET",
                        "/media/00000000000000000000000000000001?" +
                            signed_query(unix_now() + 60, "media-00000000000000000000000000000001"),
                        "", ""),
        404, "not_found");

    // Taken once: another send naming it is refused and sends nothing.
    const auto [other, other_phone] = opted_in();
    check_error(call("POST", "/api/crm/sms/send",
                     {{"contactId", other}, {"body", "Again"}, {"mediaIds", {picture}}}),
                422, "invalid_media", "mediaIds");
    CHECK(stack().twilio_creates_to(other_phone).empty());
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + std::to_string(other)) == "0");
    // Bad lists, and an upload with sendAt.
    check_error(
        call("POST", "/api/crm/sms/send", {{"contactId", other}, {"mediaIds", json::array()}}), 400,
        "invalid_field", "mediaIds");
    check_error(call("POST", "/api/crm/sms/send", {{"contactId", other}, {"mediaIds", {"1"}}}), 400,
                "invalid_field", "mediaIds");
    const auto twice = upload(kPng);
    check_error(
        call("POST", "/api/crm/sms/send", {{"contactId", other}, {"mediaIds", {twice, twice}}}),
        400, "invalid_field", "mediaIds");
    check_error(
        call("POST", "/api/crm/sms/send",
             {{"contactId", other}, {"mediaIds", {twice}}, {"sendAt", "2099-01-01T10:00:00Z"}}),
        400, "invalid_field", "mediaIds");
    check_error(call("POST", "/api/crm/sms/send",
                     {{"contactId", other}, {"mediaIds", {twice}}, {"optInRequest", true}}),
                400, "invalid_field", "mediaIds");
}

TEST_CASE("two sends of one picture at once: one takes it", "[media]") {
    for (int round = 0; round < 3; ++round) {
        const auto picture = upload(kPng);
        const auto a = opted_in();
        const auto b = opted_in();
        int statuses[2] = {0, 0};
        std::thread first([&] {
            statuses[0] =
                call("POST", "/api/crm/sms/send", {{"contactId", a.first}, {"mediaIds", {picture}}})
                    .status;
        });
        statuses[1] =
            call("POST", "/api/crm/sms/send", {{"contactId", b.first}, {"mediaIds", {picture}}})
                .status;
        first.join();
        INFO("round " << round << ": " << statuses[0] << " " << statuses[1]);
        CHECK(((statuses[0] == 201 && statuses[1] == 422) ||
               (statuses[0] == 422 && statuses[1] == 201)));
        CHECK(q("SELECT count(*) FROM messages m JOIN media d ON d.message_id = m.id"
                " WHERE d.id = " +
                std::to_string(picture)) == "1");
        CHECK(stack().twilio_creates_to(a.second).size() +
                  stack().twilio_creates_to(b.second).size() ==
              1);
    }
}

TEST_CASE("media past MEDIA_RETENTION_DAYS lose their content, and uploads no send took go",
          "[media]") {
    const auto from = new_phone();
    const auto held = hold(kPng, "image/png");
    text_media(held.message_sid, from, {{held.url, "image/png"}});
    run_worker_once();
    const auto url = message_with(held.message_sid)["mediaUrls"][0].get<std::string>();
    REQUIRE(stack().request("GET", url).status == 200);
    const auto abandoned = upload(kPng);
    const auto fresh = upload(kPng);
    q("UPDATE media d SET created_at = now() - interval '31 days' FROM messages m"
      " WHERE m.id = d.message_id AND m.sid = '" +
      held.message_sid + "' RETURNING 1");
    q("UPDATE media SET created_at = now() - interval '25 hours' WHERE id = " +
      std::to_string(abandoned) + " RETURNING 1");
    const auto out = run_worker_once("QUIET_HOURS=off MEDIA_RETENTION_DAYS=30");
    INFO(out);
    CHECK(out.find("deleted 1") != std::string::npos);
    check_error(stack().request("GET", url), 410, "media_deleted");
    CHECK(message_with(held.message_sid)["media"][0]["state"] == "deleted");
    CHECK(q("SELECT count(*) FROM media WHERE id = " + std::to_string(abandoned)) == "0");
    CHECK(q("SELECT count(*) FROM media WHERE id = " + std::to_string(fresh)) == "1");
    const auto refused = run(run_due_command("QUIET_HOURS=off MEDIA_RETENTION_DAYS=0") + " 2>&1");
    CHECK(refused.exit_code != 0);
    CHECK(refused.output.find("MEDIA_RETENTION_DAYS must be whole days") != std::string::npos);
}
