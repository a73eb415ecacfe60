#include "common/http/sessions.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;
using namespace textus::sessions;

TEST_CASE("token_in finds the session cookie among others, and only it") {
    CHECK(token_in("textus_session=abc") == "abc");
    CHECK(token_in("theme=dark; textus_session=abc; lang=en") == "abc");
    CHECK(token_in("theme=dark;textus_session=abc") == "abc");
    CHECK_FALSE(token_in(""));
    CHECK_FALSE(token_in("theme=dark"));
    CHECK_FALSE(token_in("textus_sessionx=abc"));
    CHECK_FALSE(token_in("xtextus_session=abc"));
    CHECK_FALSE(token_in("textus_session"));
    CHECK(token_in("textus_session=") == "");
}

TEST_CASE("check_origin takes the site's scheme, host and port, and nothing else") {
    const auto refused = [](std::string origin, std::string_view site,
                            std::string cookie = "textus_session=t") {
        Request request;
        if (!origin.empty()) request.headers["origin"] = origin;
        if (!cookie.empty()) request.headers["cookie"] = cookie;
        try {
            check_origin(request, site);
            return std::string();
        } catch (const HttpError& error) {
            CHECK(error.status == 403);
            return error.code;
        }
    };
    CHECK(refused("https://inbox.example.com", "https://inbox.example.com") == "");
    CHECK(refused("https://inbox.example.com", "https://inbox.example.com/") == "");
    CHECK(refused("HTTPS://Inbox.Example.com", "https://inbox.example.com/base/") == "");
    CHECK(refused("http://127.0.0.1:8080", "http://127.0.0.1:8080") == "");
    CHECK(refused("", "https://inbox.example.com") == "cross_origin");
    CHECK(refused("null", "https://inbox.example.com") == "cross_origin");
    CHECK(refused("http://inbox.example.com", "https://inbox.example.com") == "cross_origin");
    CHECK(refused("https://inbox.example.com.evil.example", "https://inbox.example.com") ==
          "cross_origin");
    CHECK(refused("https://inbox.example.com:8443", "https://inbox.example.com") == "cross_origin");
    CHECK(refused("https://inbox.example.com", "") == "cross_origin");
}

TEST_CASE("check_origin lets through what no browser sent: no Origin and no session cookie") {
    const auto refused = [](std::string origin, std::string cookie) {
        Request request;
        if (!origin.empty()) request.headers["origin"] = origin;
        if (!cookie.empty()) request.headers["cookie"] = cookie;
        try {
            check_origin(request, "https://inbox.example.com");
            return std::string();
        } catch (const HttpError& error) {
            return error.code;
        }
    };
    CHECK(refused("", "") == "");
    CHECK(refused("", "theme=dark") == "");
    CHECK(refused("", "theme=dark; textus_session=t") == "cross_origin");
    CHECK(refused("https://evil.example", "") == "cross_origin");
    CHECK(refused("https://inbox.example.com", "") == "");
}

TEST_CASE("the cookie is HttpOnly, SameSite=Strict, for /api/, Secure over HTTPS") {
    CHECK(cookie("t", false) ==
          "textus_session=t; Path=/api/; HttpOnly; SameSite=Strict; "
          "Max-Age=604800");
    CHECK(cookie("t", true).ends_with("; Secure"));
    CHECK(expired_cookie(false) ==
          "textus_session=; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=0");
}
