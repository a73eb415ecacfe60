#include "common/db/migrations.h"

#include "common/db/db.h"

namespace textus {

namespace {

const Statement kCreateTable{"migrations_create_table",
                             "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " version integer PRIMARY KEY, name text NOT NULL,"
                             " applied_at timestamptz NOT NULL DEFAULT now())"};
const Statement kLock{"migrations_lock",
                      "SELECT pg_advisory_xact_lock(hashtext('textus-migrations'))"};
// A migration may rewrite a big table: the handlers' statement timeout is not for it.
const Statement kNoTimeout{"migrations_no_timeout",
                           "SELECT set_config('statement_timeout', '0', true)"};
const Statement kApplied{"migrations_applied",
                         "SELECT 1 FROM schema_migrations WHERE version = $1"};
const Statement kRecord{"migrations_record",
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};

}  // namespace

std::vector<std::string> migrate(Db& db, const std::vector<Migration>& migrations) {
    db.transact([](Tx& tx) {
        tx.exec(kLock);
        tx.exec(kCreateTable);
    });
    std::vector<std::string> applied;
    for (const auto& migration : migrations) {
        const bool ran = db.transact([&](Tx& tx) {
            tx.exec(kLock);
            tx.exec(kNoTimeout);
            if (!tx.exec(kApplied, migration.version).empty()) return false;
            tx.exec_script(migration.sql);
            tx.exec(kRecord, migration.version, migration.name);
            return true;
        });
        if (ran) applied.push_back(migration.name);
    }
    return applied;
}

}  // namespace textus
