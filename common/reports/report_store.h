// Reports' figures from PostgreSQL: each a query over the period's rows, by index.
#pragma once

#include "common/reports/report.h"

namespace textus {
class Tx;
}

namespace textus::reports {

// 400 invalid_time_zone naming timeZone for a zone PostgreSQL does not know.
Messages messages(Tx& tx, const Period& period);

}  // namespace textus::reports
