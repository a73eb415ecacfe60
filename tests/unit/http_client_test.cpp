#include "common/http/http_client.h"

#include <httplib.h>

#include <catch2/catch.hpp>
#include <optional>

using namespace textus;
using namespace std::chrono_literals;
using http_client::Failure;
using http_client::Outcome;
using http_client::Safety;

TEST_CASE("failure_of: not connected, certificate refused, or maybe sent", "[http_client]") {
    using httplib::Error;
    CHECK(http_client::failure_of(Error::Connection) == Failure::not_connected);
    CHECK(http_client::failure_of(Error::ConnectionTimeout) == Failure::not_connected);
    CHECK(http_client::failure_of(Error::SSLConnection) == Failure::not_connected);
    CHECK(http_client::failure_of(Error::SSLServerVerification) == Failure::certificate_refused);
    CHECK(http_client::failure_of(Error::SSLLoadingCerts) == Failure::certificate_refused);
    // Anything else may come after the request went out: a read timeout, a drop.
    for (const auto error : {Error::Read, Error::Write, Error::Unknown, Error::Canceled}) {
        INFO(httplib::to_string(error));
        CHECK(http_client::failure_of(error) == Failure::maybe_sent);
    }
}

TEST_CASE("after_answer: what a status leads to, safe or unsafe", "[http_client]") {
    const std::optional<Outcome> retry;
    struct Row {
        Safety safety;
        int status;
        bool attempts_left;
        std::optional<Outcome> next;
    };
    const Row rows[] = {
        // An answer the caller reads, whatever the attempts left.
        {Safety::safe, 200, true, Outcome::answered},
        {Safety::unsafe, 201, true, Outcome::answered},
        {Safety::unsafe, 400, true, Outcome::answered},
        {Safety::safe, 404, true, Outcome::answered},
        {Safety::unsafe, 401, true, Outcome::answered},
        // A rate limiter refuses before acting: retried either way, then the caller's.
        {Safety::safe, 429, true, retry},
        {Safety::unsafe, 429, true, retry},
        {Safety::unsafe, 429, false, Outcome::answered},
        // A 5xx: a safe request again; an unsafe one may have acted.
        {Safety::safe, 500, true, retry},
        {Safety::safe, 503, true, retry},
        {Safety::safe, 504, false, Outcome::answered},
        {Safety::unsafe, 500, true, Outcome::unknown},
        {Safety::unsafe, 502, true, Outcome::unknown},
        {Safety::unsafe, 503, true, Outcome::unknown},
        {Safety::unsafe, 504, true, Outcome::unknown},
        {Safety::unsafe, 503, false, Outcome::unknown},
    };
    for (const auto& row : rows) {
        INFO((row.safety == Safety::safe ? "safe " : "unsafe ")
             << row.status << (row.attempts_left ? " with attempts left" : " on the last"));
        CHECK(http_client::after_answer(row.safety, row.status, row.attempts_left) == row.next);
    }
}

TEST_CASE("after_failure: retried only when nothing was sent", "[http_client]") {
    const std::optional<Outcome> retry;
    for (const auto safety : {Safety::safe, Safety::unsafe}) {
        INFO((safety == Safety::safe ? "safe" : "unsafe"));
        CHECK(http_client::after_failure(safety, Failure::not_connected, true) == retry);
        CHECK(http_client::after_failure(safety, Failure::not_connected, false) ==
              Outcome::unanswered);
        CHECK(http_client::after_failure(safety, Failure::certificate_refused, true) ==
              Outcome::unanswered);
    }
    // No answer in time, or a drop: a read is not waited for twice, a create may have acted.
    CHECK(http_client::after_failure(Safety::safe, Failure::maybe_sent, true) ==
          Outcome::unanswered);
    CHECK(http_client::after_failure(Safety::unsafe, Failure::maybe_sent, true) ==
          Outcome::unknown);
}

TEST_CASE("retry_delay doubles the backoff and honours Retry-After up to a cap", "[http_client]") {
    const http_client::Timing t{.backoff = 100ms, .max_retry_after = 2000ms};
    CHECK(http_client::retry_delay(1, "", t) == 100ms);
    CHECK(http_client::retry_delay(2, "", t) == 200ms);
    CHECK(http_client::retry_delay(3, "", t) == 400ms);
    CHECK(http_client::retry_delay(1, "1", t) == 1000ms);
    CHECK(http_client::retry_delay(1, "0", t) == 0ms);
    CHECK(http_client::retry_delay(1, "120", t) == 2000ms);
    // An HTTP date or garbage: the backoff.
    CHECK(http_client::retry_delay(2, "Wed, 21 Oct 2015 07:28:00 GMT", t) == 200ms);
    CHECK(http_client::retry_delay(2, "-5", t) == 200ms);
}

TEST_CASE("basic_auth is the Authorization header of RFC 7617", "[http_client]") {
    // RFC 7617's own example.
    CHECK(
        http_client::basic_auth("Aladdin", "open sesame") ==
        std::pair<std::string, std::string>{"Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="});
}
