// The campaign recipients' queue, as the worker (common/outreach/worker) takes them: each step
// inside the caller's unit of work. Staff's side is common/outreach/campaign_store.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus {
class Tx;
}

namespace textus::campaign {

// The next recipient whose turn has come (its campaign active and due, soonest campaign
// first), locked; those another worker holds are skipped, not waited for.
struct Turn {
    int64_t recipient_id = 0;
    int64_t campaign_id = 0;
    std::optional<int64_t> contact_id;  // none: the contact was deleted
    std::string phone;
    std::string body;
    std::string created_by;
};
std::optional<Turn> claim(Tx& tx);

// The recipient held until `until` (quiet hours); its message committed (sending); skipped
// for `reason`; refused for another reason, before Twilio (failed, with the error). Skipped and
// failed are false when it was no longer pending: another sender, deciding the same, was first.
void hold(Tx& tx, int64_t recipient_id, const std::string& until);
void mark_sending(Tx& tx, int64_t recipient_id, int64_t message_id);
bool skip(Tx& tx, int64_t recipient_id, std::string_view reason);
bool fail(Tx& tx, int64_t recipient_id, const nlohmann::json& error);

// Paused by the worker: Twilio is unreachable or refuses our credentials, so sending on
// would only fail every recipient. Staff resume it.
void pause_for_error(Tx& tx, int64_t campaign_id, const nlohmann::json& error);

// Active campaigns with no recipient left to send to, now completed: their ids.
std::vector<int64_t> complete_finished(Tx& tx);

}  // namespace textus::campaign
