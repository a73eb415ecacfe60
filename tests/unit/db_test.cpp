#include "common/db/db.h"

#include <catch2/catch.hpp>

using textus::param;
using textus::with_timeouts;

TEST_CASE("with_timeouts adds what a URL does not set") {
    CHECK(with_timeouts("postgresql:///textus?host=/run/pg&user=textus") ==
          "postgresql:///textus?host=/run/pg&user=textus&connect_timeout=5&keepalives=1"
          "&keepalives_idle=10&keepalives_interval=3&keepalives_count=3&tcp_user_timeout=15000"
          "&options=-c%20statement_timeout%3D5s");
    CHECK(with_timeouts("postgresql://db.example/textus")
              .starts_with("postgresql://db.example/textus?connect_timeout=5&"));
    CHECK(with_timeouts("host=/run/pg dbname=textus") ==
          "host=/run/pg dbname=textus connect_timeout=5 keepalives=1 keepalives_idle=10"
          " keepalives_interval=3 keepalives_count=3 tcp_user_timeout=15000"
          " options='-c statement_timeout=5s'");
}

TEST_CASE("with_timeouts keeps what a URL sets") {
    const auto url = with_timeouts(
        "postgresql:///textus?connect_timeout=2&options=-c%20statement_timeout%3D1s"
        "&keepalives_idle=30");
    CHECK(url.find("connect_timeout=5") == std::string::npos);
    CHECK(url.find("statement_timeout%3D5s") == std::string::npos);
    CHECK(url.find("keepalives_idle=10") == std::string::npos);
    CHECK(url.find("&keepalives=1") != std::string::npos);
    const auto conninfo = with_timeouts("dbname=textus connect_timeout = 2");
    CHECK(conninfo.find("connect_timeout=5") == std::string::npos);
    // "keepalives" inside "keepalives_idle" is not the keepalives setting.
    CHECK(with_timeouts("dbname=x keepalives_idle=1").find(" keepalives=1") != std::string::npos);
}

TEST_CASE("param writes arrays in PostgreSQL's input format") {
    CHECK(param(std::vector<int64_t>{1, -2, 3}) == "{1,-2,3}");
    CHECK(param(std::vector<int64_t>{}) == "{}");
    CHECK(param(std::vector<std::string>{"%yes%", "a,b", R"(say "hi")", R"(50\%)", "{}", ""}) ==
          R"({"%yes%","a,b","say \"hi\"","50\\%","{}",""})");
    CHECK(param(std::vector<std::string>{}) == "{}");
}
