#include "common/http/server.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "common/core/config.h"
#include "common/core/error.h"
#include "common/db/db.h"
#include "common/twilio/twilio_signature.h"

using namespace textus;
using nlohmann::json;

namespace {

Response response_for(const std::function<void()>& thrower) {
    try {
        thrower();
    } catch (...) {
        return error_response();
    }
    FAIL("nothing thrown");
    return {};
}

}  // namespace

TEST_CASE("error_response renders an HttpError as contract.md's error body") {
    const auto r = response_for(
        [] { throw bad_request("invalid_phone", "Phone number must be valid", "phone"); });
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/json; charset=utf-8");
    CHECK(json::parse(r.body) == json{{"success", false},
                                      {"error",
                                       {{"code", "invalid_phone"},
                                        {"message", "Phone number must be valid"},
                                        {"field", "phone"}}}});
}

TEST_CASE("error_response keeps the error's headers and omits an empty field") {
    const auto r = response_for([] {
        HttpError e(405, "method_not_allowed", "nope");
        e.headers.emplace_back("Allow", "GET");
        throw e;
    });
    CHECK(r.status == 405);
    CHECK(r.headers == std::vector<std::pair<std::string, std::string>>{{"Allow", "GET"}});
    CHECK_FALSE(json::parse(r.body)["error"].contains("field"));
}

TEST_CASE("error_response hides internal errors behind a 500") {
    const auto r = response_for([] { throw std::runtime_error("secret detail at 0xdeadbeef"); });
    CHECK(r.status == 500);
    CHECK(json::parse(r.body)["error"]["code"] == "internal_error");
    CHECK(r.body.find("secret") == std::string::npos);
}

TEST_CASE("error_response maps a lost database to 503") {
    const auto r = response_for([] { throw database_unavailable(); });
    CHECK(r.status == 503);
    CHECK(json::parse(r.body)["error"]["code"] == "database_unavailable");
}

TEST_CASE("error_response maps a lost connection to 503 and a refused value to 400") {
    CHECK(response_for([] { throw pqxx::broken_connection("gone"); }).status == 503);
    const auto r = response_for(
        [] { throw pqxx::data_exception("invalid input: \"+17605550142\"", "SELECT", "22007"); });
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["code"] == "invalid_value");
    CHECK(r.body.find("7605550142") == std::string::npos);
}

namespace {

Response echo_form(Context& c) {
    json pairs = json::array();
    for (const auto& [name, value] : c.form.pairs()) pairs.push_back({name, value});
    return Response::text(200, "text/xml", pairs.dump());
}

Response echo_json(Context& c) {
    return Response::json(200, c.json);
}

Response injected_header(Context& c) {
    auto response = Response::json(200, {{"success", true}});
    response.headers.emplace_back("X-Accel-Redirect", c.json["path"].get<std::string>());
    return response;
}

const Route kLoopRoutes[] = {
    {"POST", "/hook", echo_form, Auth::twilio, Body::form},
    {"POST", "/small", echo_json, Auth::none, Body::json, 16},
    {"POST", "/redirect", injected_header, Auth::none, Body::json},
};

struct Loop {
    Config config;
    Db db{"postgresql:///never-connected"};  // lazy: these routes never reach it
    Service service{.name = "test", .routes = kLoopRoutes, .check_signature = twilio::authenticate};

    Loop() {
        config.public_base_url = "https://mycompany.com/";
        config.twilio_auth_token = "12345";
    }

    Response post(const std::string& path, const std::string& body, const std::string& type,
                  const std::string& signature = "") {
        Request request;
        request.method = "POST";
        request.path = path;
        request.uri = path + "?foo=1&bar=2";
        request.content_type = type;
        request.content_length = std::to_string(body.size());
        if (!signature.empty()) request.headers["x-twilio-signature"] = signature;
        size_t offset = 0;
        std::string_view label;
        return respond(
            service, config, db, request,
            [&](char* buffer, size_t n) {
                const size_t take = std::min(n, body.size() - offset);
                std::memcpy(buffer, body.data() + offset, take);
                offset += take;
                return take;
            },
            label);
    }
};

const std::string kForm = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234";
const std::string kFormType = "application/x-www-form-urlencoded";

}  // namespace

TEST_CASE("respond checks a Twilio signature over the public URL, the URI and every field") {
    Loop loop;
    const auto good =
        twilio::signature("12345", "https://mycompany.com/hook?foo=1&bar=2", parse_form(kForm));
    const auto accepted = loop.post("/hook", kForm, kFormType, good);
    CHECK(accepted.status == 200);
    CHECK(accepted.content_type == "text/xml");
    CHECK(json::parse(accepted.body) ==
          json::parse(
              R"([["Sid","CA123"],["SidAccount","AC123"],["Digits","5678"],["Digits","1234"]])"));
    const auto forged = twilio::signature("other-token", "https://mycompany.com/hook?foo=1&bar=2",
                                          parse_form(kForm));
    for (const auto& bad : {std::string(), good.substr(0, good.size() - 2), "x" + good, forged}) {
        const auto reply = loop.post("/hook", kForm, kFormType, bad);
        CHECK(reply.status == 403);
        CHECK(json::parse(reply.body)["error"]["code"] == "invalid_signature");
    }
    // An added field or a dropped repeat is no longer what Twilio signed.
    CHECK(loop.post("/hook", kForm + "&Extra=1", kFormType, good).status == 403);
    CHECK(loop.post("/hook", "Sid=CA123&SidAccount=AC123&Digits=5678", kFormType, good).status ==
          403);
    CHECK(loop.post("/hook", kForm, "application/json", good).status == 415);
    CHECK(loop.post("/hook", "Body=%ff", kFormType, good).status == 400);
}

TEST_CASE("respond applies the route's body limit and content type") {
    Loop loop;
    CHECK(loop.post("/small", R"({"a":1})", "application/json").status == 200);
    CHECK(loop.post("/small", R"({"a":"0123456789"})", "application/json").status == 413);
    CHECK(loop.post("/small", R"({"a":1})", "application/json ; charset=utf-8").status == 200);
    CHECK(loop.post("/small", R"({"a":1})", "text/plain").status == 415);
    CHECK(loop.post("/small", R"({"a":)", "application/json").status == 400);
}

TEST_CASE("respond refuses a header that would split the answer") {
    Loop loop;
    CHECK(loop.post("/redirect", R"({"path":"/internal/x"})", "application/json").status == 200);
    const auto r =
        loop.post("/redirect", R"({"path":"/x\r\nSet-Cookie: a=1"})", "application/json");
    CHECK(r.status == 500);
    CHECK(r.headers.empty());
    CHECK(serialize(r).find("Set-Cookie") == std::string::npos);
}
