// /api/crm/reports: figures for admins and the owner (docs/decisions.md, Reports), as JSON, or
// one table as CSV with ?format=csv&table=.
#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/reports/report.h"
#include "common/reports/report_store.h"

namespace {

using namespace textus;

Response messages(Context& c) {
    const auto query = c.request.query();
    const auto period = reports::parse_period(query, c.config.default_time_zone);
    const auto* format = query.get("format");
    if (format && *format != "json" && *format != "csv") {
        throw bad_request("invalid_query", "format must be json or csv", "format");
    }
    const auto figures = c.db.transact([&](Tx& tx) { return reports::messages(tx, period); });
    if (!format || *format == "json") return Response::json(200, reports::to_json(period, figures));
    const auto* table = query.get("table");
    const auto name = table ? *table : std::string("days");
    auto response = Response::text(200, "text/csv; charset=utf-8", reports::to_csv(figures, name));
    response.headers = {{"Content-Disposition", "attachment; filename=\"messages-" + name + "-" +
                                                    period.from + "-" + period.to + ".csv\""}};
    return response;
}

const Route kRoutes[] = {
    {"GET", "/api/crm/reports/messages", messages, Auth::admin},
};

}  // namespace

int main() {
    return serve({.name = "reports", .routes = kRoutes});
}
