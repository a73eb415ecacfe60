// The scheduled-send worker (`textus-admin run-due`): what is due goes out through the send
// path, one send at a time, each claimed so that runs on several hosts never take it together.
// Its own file: quiet hours need the phone geocoder, which only the worker links.
#pragma once

#include "common/config.h"

namespace textus {
class Db;
}

namespace textus::schedule {

// A worker holds a due send this long; past it, another worker takes it over (the send's
// Idempotency-Key keeps it from going twice). Longer than a send's worst Twilio retries.
inline constexpr int kClaimSeconds = 300;
inline constexpr int kDefaultRunLimit = 1000;

struct RunResult {
    int sent = 0;
    int failed = 0;
    int held = 0;  // due in quiet hours: moved to the end of them
};

// Sends what is due, soonest first, up to `limit`, each through the send path in turn. One due
// in quiet hours in its recipient's time zone (QUIET_HOURS, DEFAULT_TIME_ZONE) is scheduled
// again for when they end.
RunResult run_due(Db& db, const Config& config, int limit);

}  // namespace textus::schedule
