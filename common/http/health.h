// GET /api/health (contract.md §4, §6): whether this handler can serve, for sysadmins and load
// balancers. Every handler answers it through the serve loop, at /api/health and at
// /api/health/NAME (nginx sends each NAME to that handler). No key is needed, so it tells
// names and versions only, never a value.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config.h"
#include "common/http/http.h"

namespace textus {

class Db;
class Tx;

namespace health {

// True when `path` is a health path this handler answers: /api/health or /api/health/NAME
// for its own NAME, with or without a trailing slash.
bool is_health_path(std::string_view handler, std::string_view path);

// A handler's own facts for monitoring, which do not make it unready (initiate: its hourly
// budget): an object of sections added to the answer's "report", read with the database.
using Report = std::function<nlohmann::json(Tx&, const Config&)>;

// 200 when the configuration is complete (`config_problems` empty), the database answers and
// every migration this build knows has been applied; 503 naming what is not. `db` is null when
// the configuration could not be loaded. `report` (the handler's Report, bound to its
// configuration) is asked for once the database answered, if it is set.
Response check(std::string_view handler, const std::vector<std::string>& config_problems, Db* db,
               const std::function<nlohmann::json(Tx&)>& report = {});

}  // namespace health
}  // namespace textus
