// Message templates in PostgreSQL (sql/009_templates.sql).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/core/template.h"

namespace textus {
class Tx;
}

namespace textus::templates {

// By name, case-insensitive.
std::vector<Template> list(Tx& tx);
std::optional<Template> find(Tx& tx, int64_t id);
// 409 duplicate_name when another template has the name (whatever its case).
Template create(Tx& tx, const Template& t);
// The template as stored, none when there is no such id; 409 duplicate_name as for create.
std::optional<Template> update(Tx& tx, int64_t id, const Template& t);
bool remove(Tx& tx, int64_t id);

}  // namespace textus::templates
