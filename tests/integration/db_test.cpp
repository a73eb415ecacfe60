// common/db/db and common/db/migrations against the stack's real PostgreSQL.
#include "common/db/db.h"

#include <catch2/catch.hpp>

#include "common/db/migrations.h"
#include "tests/integration/stack.h"

using textus::Db;
using textus::HttpError;
using textus::Statement;
using textus::Tx;
using textus::test::Stack;

namespace {

const Statement kCreate{"test_create", "CREATE TABLE IF NOT EXISTS db_test (value text)"};
const Statement kInsert{"test_insert", "INSERT INTO db_test (value) VALUES ($1)"};
const Statement kCount{"test_count", "SELECT count(*) FROM db_test WHERE value = $1"};
const Statement kTerminateSelf{"test_terminate_self",
                               "SELECT pg_terminate_backend(pg_backend_pid())"};
const Statement kEcho{"test_echo", "SELECT $1::text, $2::bigint, $3::boolean, $4::text IS NULL"};

int64_t count(Db& db, const std::string& value) {
    return db.transact([&](Tx& tx) { return tx.exec(kCount, value)[0][0].as<int64_t>(); });
}

void terminate_other_backends() {
    Stack::get().query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = 'textus' AND pid <> pg_backend_pid() AND backend_type = 'client "
        "backend'");
}

}  // namespace

TEST_CASE("Db::transact commits a unit of work and rolls back a failed one") {
    Db db(Stack::get().database_url);
    db.transact([](Tx& tx) { tx.exec(kCreate); });
    db.transact([](Tx& tx) { tx.exec(kInsert, "kept"); });
    CHECK(count(db, "kept") == 1);
    CHECK_THROWS_AS(db.transact([](Tx& tx) {
        tx.exec(kInsert, "dropped");
        throw textus::not_found("abandon");
    }),
                    HttpError);
    CHECK(count(db, "dropped") == 0);
}

TEST_CASE("Db::single runs one statement as its own transaction, and refuses a second") {
    Db db(Stack::get().database_url);
    db.transact([](Tx& tx) { tx.exec(kCreate); });
    CHECK(db.single([](Tx& tx) { return tx.exec(kInsert, "single").affected_rows(); }) == 1);
    CHECK(count(db, "single") == 1);
    // Autocommit: the first statement stands, whatever the unit does next.
    CHECK_THROWS_AS(db.single([](Tx& tx) {
        tx.exec(kInsert, "single twice");
        tx.exec(kInsert, "single twice");
    }),
                    std::logic_error);
    CHECK(count(db, "single twice") == 1);
}

TEST_CASE("Db passes parameters as values, NULL included") {
    Db db(Stack::get().database_url);
    const auto row = db.transact([](Tx& tx) {
        return tx.exec(kEcho, "x'); DROP TABLE contacts; --", int64_t{42}, true, std::nullopt)[0];
    });
    CHECK(row[0].as<std::string>() == "x'); DROP TABLE contacts; --");
    CHECK(row[1].as<int64_t>() == 42);
    CHECK(row[2].as<bool>());
    CHECK(row[3].as<bool>());
}

TEST_CASE("Db replaces a connection the server dropped while it was idle") {
    Db db(Stack::get().database_url);
    db.transact([](Tx& tx) { tx.exec(kCreate); });
    terminate_other_backends();
    CHECK_NOTHROW(count(db, "kept"));
    // The handlers' idle connections went too; their next requests still succeed.
    for (int i = 0; i < 4; ++i) {
        CHECK(Stack::get().request("GET", "/api/crm/contacts?limit=1").status == 200);
    }
}

TEST_CASE("Db::single runs its statement again on a fresh connection after an idle one died") {
    Db db(Stack::get().database_url);
    db.transact([](Tx& tx) { tx.exec(kCreate); });
    terminate_other_backends();
    int runs = 0;
    CHECK(db.single([&](Tx& tx) {
        ++runs;
        return tx.exec(kInsert, "single after a drop").affected_rows();
    }) == 1);
    CHECK(runs == 2);
    CHECK(count(db, "single after a drop") == 1);
}

TEST_CASE("Db does not re-run a unit that broke after it sent a statement") {
    Db db(Stack::get().database_url);
    db.transact([](Tx& tx) { tx.exec(kCreate); });  // the connection is now a reused one
    int runs = 0;
    try {
        db.transact([&](Tx& tx) {
            ++runs;
            tx.exec(kInsert, "midway");
            tx.exec(kTerminateSelf);
        });
        FAIL("no error");
    } catch (const HttpError& e) {
        CHECK(e.status == 503);
    }
    CHECK(runs == 1);
    CHECK(count(db, "midway") == 0);
}

TEST_CASE("Db answers 503 when the database cannot be reached") {
    Db db("postgresql:///textus?host=/nonexistent&connect_timeout=2");
    try {
        db.transact([](Tx& tx) { tx.exec(kEcho, "", 0, false, std::nullopt); });
        FAIL("no error");
    } catch (const HttpError& e) {
        CHECK(e.status == 503);
        CHECK(e.code == "database_unavailable");
    }
}

TEST_CASE("migrate applies nothing twice") {
    Db db(Stack::get().database_url);
    CHECK(textus::migrate(db, textus::bundled_migrations()).empty());
    CHECK(textus::bundled_migrations().front().name == "001_schema.sql");
}
