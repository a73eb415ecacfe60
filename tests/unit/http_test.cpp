#include "common/http/http.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "common/core/error.h"

using namespace textus;

namespace {

int status_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e.status;
    }
    return 0;
}

std::function<size_t(char*, size_t)> reader(const std::string& data) {
    auto offset = std::make_shared<size_t>(0);
    return [data, offset](char* buffer, size_t n) {
        const size_t take = std::min(n, data.size() - *offset);
        std::memcpy(buffer, data.data() + *offset, take);
        *offset += take;
        return take;
    };
}

}  // namespace

TEST_CASE("url_decode handles escapes, plus and broken escapes") {
    CHECK(url_decode("a%20b+c") == "a b c");
    CHECK(url_decode("%2B1%20760") == "+1 760");
    CHECK(url_decode("100%") == "100%");
    CHECK(url_decode("%zz") == "%zz");
}

TEST_CASE("parse_form reads pairs and empty values, and keeps repeated names in order") {
    const auto form = parse_form("a=1&b=&c&a=2&&d=x%26y");
    CHECK(*form.get("a") == "1");
    CHECK(*form.get("b") == "");
    CHECK(*form.get("c") == "");
    CHECK(*form.get("d") == "x&y");
    CHECK(form.get("e") == nullptr);
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    CHECK(form.pairs() == Pairs{{"a", "1"}, {"b", ""}, {"c", ""}, {"a", "2"}, {"d", "x&y"}});
}

TEST_CASE("parse_form refuses invalid UTF-8 and NUL behind percent-encoding") {
    for (const char* bad : {"search=%ff", "search=%00", "search=a%00b", "search=%c3%28",
                            "search=%ed%a0%80", "search=%c0%af", "%ff=1"}) {
        try {
            parse_form(bad, "invalid_query");
            FAIL("accepted " << bad);
        } catch (const HttpError& e) {
            CHECK(e.status == 400);
            CHECK(e.code == "invalid_query");
        }
    }
    const auto decoded = parse_form("search=%C3%89mile");
    CHECK(*decoded.get("search") == "\xC3\x89mile");
    CHECK(status_of([] { parse_form("Body=%ff", "invalid_form"); }) == 400);
}

TEST_CASE("read_request maps CGI variables to the request") {
    const char* env[] = {"REQUEST_METHOD=POST",
                         "DOCUMENT_URI=/api/crm/contacts",
                         "QUERY_STRING=search=ann&limit=5",
                         "CONTENT_TYPE=application/json",
                         "CONTENT_LENGTH=12",
                         "REQUEST_URI=/api/crm/contacts?search=ann&limit=5",
                         "REMOTE_ADDR=127.0.0.1",
                         "REQUEST_ID=abc123",
                         "HTTP_AUTHORIZATION=Bearer x",
                         "HTTP_IDEMPOTENCY_KEY=k1",
                         nullptr};
    const auto r = read_request(env);
    CHECK(r.method == "POST");
    CHECK(r.path == "/api/crm/contacts");
    const auto query = r.query();
    CHECK(*query.get("search") == "ann");
    CHECK(r.uri == "/api/crm/contacts?search=ann&limit=5");
    CHECK(r.content_type == "application/json");
    CHECK(r.content_length == "12");
    CHECK(r.remote_addr == "127.0.0.1");
    CHECK(r.request_id == "abc123");
    CHECK(r.header("authorization") == "Bearer x");
    CHECK(r.header("idempotency-key") == "k1");
    CHECK(r.header("missing") == "");
}

TEST_CASE("read_request falls back to REQUEST_URI without its query") {
    const char* env[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api/crm/contacts/7?x=1", nullptr};
    CHECK(read_request(env).path == "/api/crm/contacts/7");
}

TEST_CASE("read_body reads the declared length and refuses an oversized body unread") {
    Request r;
    r.content_length = "5";
    read_body(r, reader("hello world"));
    CHECK(r.body == "hello");
    Request none;
    read_body(none, reader("ignored"));
    CHECK(none.body.empty());
    Request big;
    big.content_length = std::to_string(kMaxBodyBytes + 1);
    CHECK(status_of([&] { read_body(big, reader("x")); }) == 413);
    CHECK(big.body.empty());
    big.content_length = "99999999999999999999999999";
    CHECK(status_of([&] { read_body(big, reader("x")); }) == 413);
    Request small;
    small.content_length = "11";
    CHECK(status_of([&] { read_body(small, reader("hello world"), 10); }) == 413);
}

TEST_CASE("read_body refuses a CONTENT_LENGTH that is not a plain number") {
    for (const char* bad : {"12abc", "-1", "+5", " 5", "0x10", "1e3"}) {
        Request r;
        r.content_length = bad;
        CHECK(status_of([&] { read_body(r, reader("hello world")); }) == 400);
        CHECK(r.body.empty());
    }
}

TEST_CASE("json_body wants a JSON object with a JSON content type") {
    Request r;
    r.content_type = "application/json; charset=utf-8";
    r.body = R"({"a":1})";
    CHECK(json_body(r)["a"] == 1);
    r.body = "{not json";
    CHECK(status_of([&] { json_body(r); }) == 400);
    r.body = "[1,2]";
    CHECK(status_of([&] { json_body(r); }) == 400);
    r.content_type = "text/plain";
    r.body = R"({"a":1})";
    CHECK(status_of([&] { json_body(r); }) == 415);
    r.content_type = "";
    CHECK(status_of([&] { json_body(r); }) == 415);
    for (const char* type : {"application/json ; charset=utf-8", "Application/JSON;charset=UTF-8",
                             "application/json; charset=\"utf-8\"", " application/json "}) {
        r.content_type = type;
        CHECK(json_body(r)["a"] == 1);
    }
    for (const char* type : {"application/json; charset=latin1", "application/jsonx",
                             "application/json; boundary=x"}) {
        r.content_type = type;
        CHECK(status_of([&] { json_body(r); }) == 415);
    }
}

TEST_CASE("form_body wants a form content type and keeps every field") {
    Request r;
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "From=%2B17605550142&Body=hi+there&MediaUrl0=x&MediaUrl0=y";
    const auto form = form_body(r);
    CHECK(*form.get("From") == "+17605550142");
    CHECK(*form.get("Body") == "hi there");
    CHECK(form.pairs().size() == 4);
    r.content_type = "application/json";
    CHECK(status_of([&] { form_body(r); }) == 415);
}

TEST_CASE("valid_header refuses names and values that would split the answer") {
    CHECK(valid_header("X-Accel-Redirect", "/internal/chat/abc"));
    CHECK_FALSE(valid_header("X-Accel-Redirect", "/a\r\nSet-Cookie: x=1"));
    CHECK_FALSE(valid_header("X-Test", "a\nb"));
    CHECK_FALSE(valid_header("X-Test", std::string("a\0b", 3)));
    CHECK_FALSE(valid_header("Bad Name", "x"));
    CHECK_FALSE(valid_header("Bad:Name", "x"));
    CHECK_FALSE(valid_header("", "x"));
}

TEST_CASE("serialize writes a non-JSON answer and a 204 without a content type") {
    CHECK(serialize(Response::text(200, "text/xml", "<Response></Response>")) ==
          "Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n<Response></Response>");
    CHECK(serialize(Response::no_content()) == "Status: 204 No Content\r\n\r\n");
}

TEST_CASE("serialize writes status, content type, headers and body") {
    Response response = Response::json(405, {{"success", false}});
    response.headers.emplace_back("Allow", "GET, POST");
    CHECK(serialize(response) ==
          "Status: 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\n"
          "Allow: GET, POST\r\n\r\n{\"success\":false}");
}
