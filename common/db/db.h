// The one database helper: a lazily opened connection per process, prepared statements only,
// one transaction per unit of work (libpqxx's model), and a reconnect after the server went
// away. A request during an outage gets 503; the next one after the server is back succeeds.
//
// A unit of work only talks to the database: it makes no outside calls (Twilio, Commerce7,
// publishing), so that rolling it back undoes all it did. Make those calls between units.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "common/core/error.h"

namespace textus {

// A statement is prepared on first use on each connection, under its name.
struct Statement {
    std::string name;
    std::string sql;
};

// A statement parameter: text in PostgreSQL's input format, or NULL.
using Param = std::optional<std::string>;

inline Param param(std::string value) {
    return value;
}
inline Param param(std::string_view value) {
    return std::string(value);
}
inline Param param(const char* value) {
    return std::string(value);
}
inline Param param(int64_t value) {
    return std::to_string(value);
}
inline Param param(int value) {
    return std::to_string(value);
}
inline Param param(bool value) {
    return value ? "true" : "false";
}
// A bigint[] in PostgreSQL's array input format: "{1,2,3}".
inline Param param(const std::vector<int64_t>& values) {
    std::string out = "{";
    for (const auto value : values) out += (out.size() > 1 ? "," : "") + std::to_string(value);
    return out + "}";
}
// A text[] in PostgreSQL's array input format, every element quoted: {"a","b\"c"}.
inline Param param(const std::vector<std::string>& values) {
    std::string out = "{";
    for (const auto& value : values) {
        out += out.size() > 1 ? ",\"" : "\"";
        for (const char c : value) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}
inline Param param(std::nullopt_t) {
    return std::nullopt;
}
template <typename T>
Param param(const std::optional<T>& value) {
    return value ? param(*value) : std::nullopt;
}

class Db;

// A column's value, or nothing when it is NULL.
template <typename T = std::string>
std::optional<T> nullable(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return field.as<T>();
}

// A one-dimensional array column's elements, as text; NULL elements are left out.
std::vector<std::string> array_of(const pqxx::field& field);

// One unit of work: everything it executes commits together or not at all.
class Tx {
  public:
    template <typename... Args>
    pqxx::result exec(const Statement& statement, const Args&... args) {
        return exec_params(statement, {param(args)...});
    }
    pqxx::result exec_params(const Statement& statement, const std::vector<Param>& params);

    // Plans this transaction's statements for their actual values, not a cached generic plan:
    // for lists whose best index depends on the filters given (a rare search wants a trigram
    // index, a common one the primary key backwards; measured 40 ms against 1 ms at 100k rows).
    // Without JIT: the cost of a plan's branch that never runs can pass jit_above_cost, and
    // compiling took 20 ms of a 5 ms conversation search.
    void plan_for_values();

    // Runs a trusted multi-statement script shipped with the program (migrations only);
    // request data never goes through here.
    void exec_script(const std::string& sql);

  private:
    friend class Db;
    Tx(Db& db, pqxx::transaction_base& work, int& executed, bool single)
        : db_(db), work_(work), executed_(executed), single_(single) {}
    Db& db_;
    pqxx::transaction_base& work_;
    int& executed_;  // statements sent so far
    bool single_;    // Db::single: one statement, its own transaction
    int statements_ = 0;
};

// libpq connection parameters added to a URL that does not set them: a database that stops
// answering costs a request seconds (503), not a stalled process until nginx gives up.
inline constexpr std::string_view kConnectTimeoutSeconds = "5";
inline constexpr std::string_view kStatementTimeout = "5s";

// `url` (a postgresql:// URL or a "key=value" string) with connect_timeout, TCP keepalives,
// tcp_user_timeout and a statement_timeout (through `options`) added where it sets none.
std::string with_timeouts(std::string_view url);

class Db {
  public:
    explicit Db(std::string_view url) : url_(with_timeouts(url)) {}

    // Runs `unit(Tx&)` in one transaction and commits it; returns what `unit` returns.
    // Database unreachable or too slow: HttpError 503. A unit is retried once, on a fresh
    // connection, only when it failed before running any statement on a connection that had
    // been idle since an earlier unit (the server dropped it meanwhile): then it did nothing.
    template <typename Unit>
    auto transact(Unit&& unit) -> std::invoke_result_t<Unit&, Tx&> {
        return run<pqxx::work>(unit);
    }

    // Runs `unit(Tx&)` as transact does, then rolls it back: a preview that is exactly what the
    // unit would do, counted, with nothing kept (an import's preview).
    template <typename Unit>
    auto rehearse(Unit&& unit) -> std::invoke_result_t<Unit&, Tx&> {
        return run<pqxx::work, Unit, false>(unit);
    }

    // Runs `unit(Tx&)`, which executes exactly one statement, as that statement's own
    // transaction: without BEGIN and COMMIT, a third of the round trips of a hot path whose work
    // fits one statement (the webhook's inbound text). A second statement throws logic_error.
    // Failures are transact's; but with no BEGIN to fail first, a connection found broken after
    // idling is only known as the statement fails, which may have run: the retry on a fresh
    // connection runs it again, so it must be a statement whose second run changes nothing.
    template <typename Unit>
    auto single(Unit&& unit) -> std::invoke_result_t<Unit&, Tx&> {
        return run<pqxx::nontransaction>(unit);
    }

    // Waits up to `timeout` for a NOTIFY on `channel`, LISTENing on this connection from the
    // first call on (and again after a reconnect); true when one came, false on the timeout.
    // 503 when the database is unreachable. For a worker's own connection: a unit of work
    // between two waits is fine, notifications meanwhile are kept for the next wait.
    bool await_notification(const std::string& channel, std::chrono::milliseconds timeout);

  private:
    friend class Tx;

    template <typename Transaction, typename Unit, bool kCommit = true>
    auto run(Unit& unit) -> std::invoke_result_t<Unit&, Tx&> {
        for (int attempt = 1;; ++attempt) {
            const bool reused = connection_ != nullptr;
            int executed = 0;
            constexpr bool single = std::is_same_v<Transaction, pqxx::nontransaction>;
            const auto retry = [&] { return reused && attempt == 1 && (single || executed == 0); };
            try {
                Transaction work(connection());
                Tx tx(*this, work, executed, single);
                const auto end = [&] {
                    if constexpr (kCommit) {
                        work.commit();
                    } else {
                        work.abort();
                    }
                };
                if constexpr (std::is_void_v<std::invoke_result_t<Unit&, Tx&>>) {
                    unit(tx);
                    end();
                    return;
                } else {
                    auto result = unit(tx);
                    end();
                    return result;
                }
            } catch (const pqxx::in_doubt_error&) {
                disconnect();
                throw database_unavailable();
            } catch (const pqxx::broken_connection&) {
                disconnect();
                if (!retry()) throw database_unavailable();
            } catch (const pqxx::sql_error& error) {
                if (timed_out(error)) throw database_timeout();
                if (!lost_connection(error)) throw;
                disconnect();
                if (!retry()) throw database_unavailable();
            }
        }
    }

    pqxx::connection& connection();
    void disconnect();
    static bool lost_connection(const pqxx::sql_error& error);
    static bool timed_out(const pqxx::sql_error& error);

    std::string url_;
    std::unique_ptr<pqxx::connection> connection_;
    std::unordered_set<std::string> prepared_;
    std::unordered_set<std::string> listening_;
};

}  // namespace textus
