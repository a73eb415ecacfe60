// GET /api/health (DESIGN §4, §6): whether this handler can serve, for sysadmins and load
// balancers. Every handler answers it through the serve loop, at /api/health and at
// /api/health/NAME (nginx sends each NAME to that handler). No key is needed, so it tells
// names and versions only, never a value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/http.h"

namespace textus {

class Db;

namespace health {

// True when `path` is a health path this handler answers: /api/health or /api/health/NAME
// for its own NAME, with or without a trailing slash.
bool is_health_path(std::string_view handler, std::string_view path);

// 200 when the configuration is complete (`config_problems` empty), the database answers and
// every migration this build knows has been applied; 503 naming what is not. `db` is null when
// the configuration could not be loaded.
Response check(std::string_view handler, const std::vector<std::string>& config_problems, Db* db);

}  // namespace health
}  // namespace textus
