// Tracked links in PostgreSQL (sql/035_links.sql).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sending/links.h"

namespace textus {
class Tx;
}

namespace textus::links {

// The links of message `message_id` to contact `contact_id`, working for kValidDays.
void save(Tx& tx, int64_t message_id, std::optional<int64_t> contact_id,
          const std::vector<Link>& links);

// Where the link `code` leads, its click counted (unless `count` is false: a HEAD); none when
// there is no such link or it expired.
std::optional<std::string> follow(Tx& tx, std::string_view code, bool count);

}  // namespace textus::links
