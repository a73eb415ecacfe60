#include "common/db.h"

namespace textus {

pqxx::result Tx::exec_params(const Statement& statement, const std::vector<Param>& params) {
    if (!db_.prepared_.contains(statement.name)) {
        db_.connection_->prepare(statement.name, statement.sql);
        db_.prepared_.insert(statement.name);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return work_.exec_prepared(statement.name, pqxx::prepare::make_dynamic_params(values));
}

void Tx::exec_script(const std::string& sql) {
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
}

bool Db::lost_connection(const pqxx::sql_error& error) {
    // Class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
    const std::string state = error.sqlstate();
    return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace textus
