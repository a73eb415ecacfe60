#include "common/schedule_worker.h"

#include <spdlog/spdlog.h>

#include "common/db.h"
#include "common/error.h"
#include "common/phone_zone.h"
#include "common/quiet_hours.h"
#include "common/schedule.h"
#include "common/send.h"

namespace textus::schedule {

namespace {

using nlohmann::json;

void finish(Db& db, int64_t id, const std::string& status, std::optional<int64_t> message_id,
            const json& error) {
    db.transact([&](Tx& tx) { schedule::finish(tx, id, status, message_id, error); });
}

}  // namespace

RunResult run_due(Db& db, const Config& config, int limit) {
    // A configuration that cannot reach Twilio fails here, before anything is claimed.
    twilio::Client client(config);
    const auto window = *quiet_hours::parse(config.quiet_hours);  // Config::load checked it
    RunResult result;
    for (int done = 0; done < limit; ++done) {
        bool held = false;
        const auto claimed = db.transact([&](Tx& tx) -> std::optional<Scheduled> {
            auto s = claim_due(tx, kClaimSeconds);
            if (!s) return s;
            const auto zone = phone::time_zone(recipient_phone(tx, *s), config.default_time_zone);
            if (const auto until = quiet_hours::hold_until(tx, zone, window)) {
                hold(tx, s->id, *until);
                held = true;
            }
            return s;
        });
        if (!claimed) break;
        if (held) {
            ++result.held;
            continue;
        }
        const auto& s = *claimed;
        if (s.body.empty() && !s.template_id && s.media_urls.empty()) {
            finish(db, s.id, "failed", std::nullopt,
                   send::error_json(bad_request("template_deleted",
                                                "Its template was deleted before it was due")));
            ++result.failed;
            continue;
        }
        send::Request request;
        request.contact_id = s.contact_id;
        request.body = s.body;
        request.template_id = s.template_id;
        request.media_urls = s.media_urls;
        request.idempotency_key = "scheduled-" + std::to_string(s.id);
        std::optional<int64_t> message_id;
        try {
            const auto prepared = db.transact(
                [&](Tx& tx) { return send::prepare(tx, request, config, s.created_by); });
            message_id = prepared.message.id;
            const auto sent = prepared.replay ? prepared.message
                                              : send::deliver(db, config, client, prepared.message,
                                                              prepared.chat_channel);
            finish(db, s.id, "sent", sent.id, nullptr);
            ++result.sent;
        } catch (const HttpError& error) {
            // Another worker's send of it is still under way: its claim decides.
            if (error.code == "send_in_progress") continue;
            spdlog::warn("scheduled send {} failed: {}", s.id, error.code);
            finish(db, s.id, "failed", message_id, send::error_json(error));
            ++result.failed;
        }
    }
    return result;
}

}  // namespace textus::schedule
