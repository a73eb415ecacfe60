#include "common/outreach/media_fetch.h"

#include <spdlog/spdlog.h>

#include "common/core/text.h"
#include "common/db/db.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/media/media.h"
#include "common/media/media_store.h"
#include "common/messages/message_store.h"

namespace textus::media {

namespace {

// The message the item belongs to, as the inbox shows it now.
void publish_change(Db& db, const Config& config, int64_t message_id) {
    try {
        const auto found = db.transact(
            [&](Tx& tx) { return messages::find_many(tx, std::vector<int64_t>{message_id}); });
        if (!found.empty()) {
            publish::staff(config, staff_events::status(messages::to_json(found.front())));
        }
    } catch (const HttpError& error) {
        spdlog::warn("media: message {} not published ({})", message_id, error.code);
    }
}

}  // namespace

Fetched fetch_next(Db& db, const Config& config, twilio::Client& client) {
    const auto claimed = db.transact(claim_due);
    if (!claimed) return Fetched::none;
    const auto id = claimed->id;
    Fetched fetched;
    try {
        const auto download = client.download_media(claimed->source_url, kMaxBytes);
        // Twilio's word in the webhook first; its answer's when the webhook gave none.
        const auto declared = claimed->declared_type == "application/octet-stream"
                                  ? download.content_type
                                  : claimed->declared_type;
        const auto checked = check_inbound(declared, download.bytes);
        if (checked.refused) {
            spdlog::warn("media: item {} not kept: {}", id, *checked.refused);
            db.transact([&](Tx& tx) { fail(tx, id, *checked.refused); });
            fetched = Fetched::failed;
        } else {
            db.transact([&](Tx& tx) { store(tx, id, checked.content_type, download.bytes); });
            fetched = Fetched::stored;
        }
    } catch (const HttpError& error) {
        const bool again = passing(error.code) && claimed->attempts < kMaxAttempts;
        spdlog::warn("media: item {} not fetched ({}), attempt {} of {}{}", id, error.code,
                     claimed->attempts, kMaxAttempts, again ? "; tried again later" : "");
        db.transact([&](Tx& tx) {
            if (again) {
                retry_later(tx, id, retry_delay(claimed->attempts).count(), error.what());
            } else {
                fail(tx, id, error.what());
            }
        });
        fetched = again ? Fetched::retry_later : Fetched::failed;
    }
    if (fetched != Fetched::retry_later) publish_change(db, config, claimed->message_id);
    return fetched;
}

Expired apply_retention(Db& db, const Config& config) {
    constexpr int kBatch = 100;
    // Config::load checked it.
    const auto days = *text::whole_number(config.media_retention_days, 1, kMaxMediaRetentionDays);
    Expired all;
    for (;;) {
        const auto some = db.transact([&](Tx& tx) { return expire(tx, days, kBatch); });
        all.deleted += some.deleted;
        all.abandoned += some.abandoned;
        if (some.deleted < kBatch && some.abandoned < kBatch) break;
    }
    if (all.deleted + all.abandoned > 0) {
        spdlog::info("media: {} deleted after {} days, {} uploads no send took removed",
                     all.deleted, days, all.abandoned);
    }
    return all;
}

FetchRun fetch_due(Db& db, const Config& config, int limit) {
    FetchRun run;
    twilio::Client client(config);
    for (int i = 0; i < limit; ++i) {
        const auto fetched = fetch_next(db, config, client);
        if (fetched == Fetched::none) break;
        if (fetched == Fetched::stored) ++run.stored;
        if (fetched == Fetched::failed) ++run.failed;
        if (fetched == Fetched::retry_later) ++run.retry_later;
    }
    return run;
}

}  // namespace textus::media
