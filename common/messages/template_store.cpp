#include "common/messages/template_store.h"

#include "common/core/error.h"
#include "common/db/db.h"

namespace textus::templates {

namespace {

const std::string kColumns = "id, name, body, rfc3339(created_at), rfc3339(updated_at)";
const Statement kList{"templates_list",
                      "SELECT " + kColumns + " FROM sms_templates ORDER BY lower(name), id"};
const Statement kFind{"templates_find", "SELECT " + kColumns + " FROM sms_templates WHERE id = $1"};
// ON CONFLICT names no constraint: the unique index on lower(name) is the only one a write
// can break.
const Statement kInsert{"templates_insert",
                        "INSERT INTO sms_templates (name, body) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING RETURNING " +
                            kColumns};
const Statement kNameTaken{
    "templates_name_taken",
    "SELECT 1 FROM sms_templates WHERE lower(name) = lower($1) AND id <> $2"};
const Statement kUpdate{"templates_update",
                        "UPDATE sms_templates SET name = $2, body = $3, updated_at = now()"
                        " WHERE id = $1 RETURNING " +
                            kColumns};
const Statement kDelete{"templates_delete", "DELETE FROM sms_templates WHERE id = $1 RETURNING id"};

Template from_row(const pqxx::row& row) {
    return {.id = row[0].as<int64_t>(),
            .name = row[1].as<std::string>(),
            .body = row[2].as<std::string>(),
            .created_at = row[3].as<std::string>(),
            .updated_at = row[4].as<std::string>()};
}

HttpError duplicate_name(const std::string& name) {
    return HttpError(409, "duplicate_name", "A template named \"" + name + "\" exists", "name");
}

}  // namespace

std::vector<Template> list(Tx& tx) {
    std::vector<Template> out;
    for (const auto& row : tx.exec(kList)) out.push_back(from_row(row));
    return out;
}

std::optional<Template> find(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kFind, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

Template create(Tx& tx, const Template& t) {
    const auto rows = tx.exec(kInsert, t.name, t.body);
    if (rows.empty()) throw duplicate_name(t.name);
    return from_row(rows[0]);
}

std::optional<Template> update(Tx& tx, int64_t id, const Template& t) {
    // A parallel rename to the same name still ends as the unique index's 409 (server.cpp).
    if (!tx.exec(kNameTaken, t.name, id).empty()) throw duplicate_name(t.name);
    const auto rows = tx.exec(kUpdate, id, t.name, t.body);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

bool remove(Tx& tx, int64_t id) {
    return !tx.exec(kDelete, id).empty();
}

}  // namespace textus::templates
