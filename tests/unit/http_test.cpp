#include "common/http.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "common/error.h"

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

TEST_CASE("parse_form reads pairs, empty values and keeps the first of a repeated name") {
    const auto form = parse_form("a=1&b=&c&a=2&&d=x%26y");
    CHECK(form.at("a") == "1");
    CHECK(form.at("b") == "");
    CHECK(form.at("c") == "");
    CHECK(form.at("d") == "x&y");
    CHECK(form.size() == 4);
}

TEST_CASE("read_request maps CGI variables to the request") {
    const char* env[] = {"REQUEST_METHOD=POST",
                         "DOCUMENT_URI=/api/crm/contacts",
                         "QUERY_STRING=search=ann&limit=5",
                         "CONTENT_TYPE=application/json",
                         "CONTENT_LENGTH=12",
                         "REMOTE_ADDR=127.0.0.1",
                         "REQUEST_ID=abc123",
                         "HTTP_AUTHORIZATION=Bearer x",
                         "HTTP_IDEMPOTENCY_KEY=k1",
                         nullptr};
    const auto r = read_request(env);
    CHECK(r.method == "POST");
    CHECK(r.path == "/api/crm/contacts");
    CHECK(r.query().at("search") == "ann");
    CHECK(r.content_type == "application/json");
    CHECK(r.content_length == 12);
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
    read_body(r, 5, reader("hello world"));
    CHECK(r.body == "hello");
    Request big;
    CHECK(status_of([&] { read_body(big, kMaxBodyBytes + 1, reader("x")); }) == 413);
    CHECK(big.body.empty());
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
}

TEST_CASE("serialize writes status, content type, headers and body") {
    Response response = Response::json(405, {{"success", false}});
    response.headers.emplace_back("Allow", "GET, POST");
    CHECK(serialize(response) ==
          "Status: 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\n"
          "Allow: GET, POST\r\n\r\n{\"success\":false}");
}
