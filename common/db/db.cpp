#include "common/db/db.h"

#include <tuple>
#include <utility>

namespace textus {

namespace {

// Whether the conninfo sets `key`, as "key=" at the start, after '?', '&' or white space.
bool sets(std::string_view url, std::string_view key) {
    for (size_t at = url.find(key); at != std::string_view::npos; at = url.find(key, at + 1)) {
        const bool starts = at == 0 || url[at - 1] == '?' || url[at - 1] == '&' ||
                            url[at - 1] == ' ' || url[at - 1] == '\t';
        const auto after = url.find_first_not_of(' ', at + key.size());
        if (starts && after != std::string_view::npos && url[after] == '=') return true;
    }
    return false;
}

}  // namespace

std::string with_timeouts(std::string_view url) {
    const bool is_url = url.starts_with("postgresql://") || url.starts_with("postgres://");
    const std::pair<std::string_view, std::string> defaults[] = {
        {"connect_timeout", std::string(kConnectTimeoutSeconds)},
        {"keepalives", "1"},
        {"keepalives_idle", "10"},
        {"keepalives_interval", "3"},
        {"keepalives_count", "3"},
        {"tcp_user_timeout", "15000"},
        {"options", is_url ? "-c%20statement_timeout%3D" + std::string(kStatementTimeout)
                           : "'-c statement_timeout=" + std::string(kStatementTimeout) + "'"},
    };
    std::string out(url);
    for (const auto& [key, value] : defaults) {
        if (sets(url, key)) continue;
        if (is_url) {
            out += out.find('?') == std::string::npos ? '?' : '&';
        } else if (!out.empty()) {
            out += ' ';
        }
        out += std::string(key) + "=" + value;
    }
    return out;
}

std::vector<std::string> array_of(const pqxx::field& field) {
    std::vector<std::string> out;
    auto array = field.as_array();
    for (auto [kind, value] = array.get_next(); kind != pqxx::array_parser::done;
         std::tie(kind, value) = array.get_next()) {
        if (kind == pqxx::array_parser::string_value) out.push_back(std::move(value));
    }
    return out;
}

pqxx::result Tx::exec_params(const Statement& statement, const std::vector<Param>& params) {
    if (!db_.prepared_.contains(statement.name)) {
        ++executed_;
        db_.connection_->prepare(statement.name, statement.sql);
        db_.prepared_.insert(statement.name);
    }
    if (single_ && ++statements_ > 1) {
        throw std::logic_error("a second statement in Db::single: " + statement.name);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    ++executed_;
    return work_.exec_prepared(statement.name, pqxx::prepare::make_dynamic_params(values));
}

void Tx::plan_for_values() {
    static const Statement custom_plans{
        "db_custom_plans",
        "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
        " set_config('jit', 'off', true)"};
    exec(custom_plans);
}

void Tx::exec_script(const std::string& sql) {
    ++executed_;
    work_.exec(sql);
}

pqxx::connection& Db::connection() {
    if (!connection_) {
        connection_ = std::make_unique<pqxx::connection>(url_);
        prepared_.clear();
    }
    return *connection_;
}

void Db::disconnect() {
    connection_.reset();
    prepared_.clear();
    listening_.clear();
}

bool Db::await_notification(const std::string& channel, std::chrono::milliseconds timeout) {
    try {
        auto& connection = this->connection();
        if (!listening_.contains(channel)) {
            // A channel name the program gives, never request data; LISTEN takes no parameter.
            pqxx::nontransaction work(connection);
            work.exec("LISTEN " + work.quote_name(channel));
            listening_.insert(channel);
        }
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
        return connection.await_notification(micros / 1000000, micros % 1000000) > 0;
    } catch (const pqxx::broken_connection&) {
        disconnect();
        throw database_unavailable();
    } catch (const pqxx::sql_error& error) {
        if (!lost_connection(error)) throw;
        disconnect();
        throw database_unavailable();
    }
}

bool Db::lost_connection(const pqxx::sql_error& error) {
    // Class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
    const std::string state = error.sqlstate();
    return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

bool Db::timed_out(const pqxx::sql_error& error) {
    // 57014: statement_timeout cancelled it; 55P03: a lock_timeout.
    const std::string state = error.sqlstate();
    return state == "57014" || state == "55P03";
}

}  // namespace textus
