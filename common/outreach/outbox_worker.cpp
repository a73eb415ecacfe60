#include "common/outreach/outbox_worker.h"

#include <spdlog/spdlog.h>

#include "common/contacts/contact_store.h"
#include "common/db/db.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/message_store.h"
#include "common/outreach/auto_reply_store.h"
#include "common/sending/outbox.h"
#include "common/sending/send.h"

namespace textus::outbox {

namespace {

// Fails a claimed row without calling Twilio, and tells the inbox.
Duty refuse(Db& db, const Config& config, const Claimed& claimed, const HttpError& error) {
    const auto message = db.transact([&](Tx& tx) {
        return messages::record_refused(tx, claimed.message.id,
                                        {.send_error = send::error_json(error),
                                         .failed = true,
                                         .error_code = std::nullopt,
                                         .error_message = std::string(error.what())});
    });
    spdlog::warn("outbox: message {} failed: {}", claimed.message.id, error.code);
    publish::message(config, staff_events::status(messages::to_json(message)), claimed.chats);
    return Duty::failed;
}

// Hands a claimed row to Twilio, unless its number opted out since the row was written.
Duty hand_over(Db& db, const Config& config, twilio::Client& client, const Claimed& claimed) {
    if (claimed.opted_out) {
        return refuse(db, config, claimed,
                      conflict("opted_out",
                               "The number opted out after this message was written: it was "
                               "not sent"));
    }
    try {
        send::deliver(db, config, client, claimed.message, claimed.chats, send::Unavailable::waits);
        return Duty::sent;
    } catch (const HttpError& error) {
        // Recorded on the row by deliver; an unknown fate is settled once the lease runs out.
        spdlog::warn("outbox: message {} not sent: {}", claimed.message.id, error.code);
        return Duty::failed;
    }
}

// An inbound text's auto-reply decided in one unit of work, and the reply, if any, handed to
// Twilio at once: its row is this sender's for the lease.
Duty decide_reply(Db& db, const Config& config, twilio::Client& client) {
    std::optional<PendingReply> pending;
    std::optional<send::Prepared> reply;
    try {
        const bool decided = db.transact([&](Tx& tx) {
            reply.reset();
            pending = claim_pending_reply(tx);
            if (!pending) return false;
            if (pending->contact_id == 0) return true;  // its contact was deleted since
            if (const auto contact = contacts::lock(tx, pending->contact_id)) {
                reply = auto_reply::queue(tx, *contact, pending->text, config);
            }
            return true;
        });
        if (!decided) return Duty::none;
    } catch (const std::exception& error) {
        const auto* http = dynamic_cast<const HttpError*>(&error);
        if (!pending || (http && http->status >= 500)) throw;
        // The reply was refused, and would be again: the text stays as it is, without a reply.
        // The rollback made it pending again, so another sender may have taken it meanwhile:
        // whoever clears it counts it, once.
        if (!db.transact([&](Tx& tx) { return drop_pending_reply(tx, pending->message_id); })) {
            return Duty::none;
        }
        // An opted-out number getting none is the rule working, not news.
        const auto code = log_code(error);
        if (code == "opted_out") {
            spdlog::info("outbox: no auto-reply to message {}: {}", pending->message_id, code);
        } else {
            spdlog::warn("outbox: no auto-reply to message {}: {}", pending->message_id, code);
        }
        return Duty::decided;
    }
    if (!reply || reply->replay) return Duty::decided;
    try {
        send::deliver(db, config, client, reply->message, reply->chats, send::Unavailable::waits);
        return Duty::replied;
    } catch (const HttpError& error) {
        // Recorded on the row by deliver; an unknown fate is settled once the lease runs out.
        spdlog::warn("outbox: auto-reply {} not sent: {}", reply->message.id, error.code);
        return Duty::decided;
    }
}

Duty deliver_unowned(Db& db, const Config& config, twilio::Client& client) {
    const auto claimed = db.transact(claim_unowned);
    if (!claimed) return Duty::none;
    return hand_over(db, config, client, *claimed);
}

// A row whose owner stopped without Twilio's answer: Twilio's list by its number tells whether
// the create arrived. Found, its SID is recorded; not found, it goes once more while fresh, or
// fails.
Duty settle_unsettled(Db& db, const Config& config, twilio::Client& client) {
    auto claimed = db.transact(claim_unsettled);
    if (!claimed) return Duty::none;
    const auto id = claimed->message.id;
    std::vector<twilio::Message> listed;
    try {
        listed = client.list_messages(
            {.to = claimed->message.to, .page_size = kLookupLimit, .limit = kLookupLimit});
    } catch (const HttpError& error) {
        spdlog::warn("outbox: message {} not looked up at Twilio ({}): again in {} s", id,
                     error.code, kLeaseSeconds);
        return Duty::waiting;
    }
    std::vector<std::string> sids;
    for (const auto& m : listed) sids.push_back(m.sid);
    const auto found = db.transact([&](Tx& tx) -> std::optional<messages::Message> {
        const auto theirs = match(*claimed, listed, known_sids(tx, sids));
        if (!theirs) return std::nullopt;
        return send::record_accepted(tx, id, *theirs);
    });
    if (found) {
        spdlog::warn("outbox: message {} found at Twilio: recorded, not sent again", id);
        publish::message(config, staff_events::status(messages::to_json(*found)), claimed->chats);
        return Duty::settled;
    }
    if (settle_decision(*claimed) == Unsettled::fail) {
        return refuse(db, config, *claimed, unconfirmed());
    }
    spdlog::warn("outbox: message {} is not at Twilio: sending it once more", id);
    db.transact([&](Tx& tx) { count_attempt(tx, id); });
    ++claimed->attempts;
    return hand_over(db, config, client, *claimed);
}

// A status callback may be lost: Twilio's message as it is now is applied as one would be.
Duty refresh_stale(Db& db, const Config& config, twilio::Client& client) {
    const auto stale = db.transact(claim_stale);
    if (!stale) return Duty::none;
    twilio::Message theirs;
    try {
        theirs = client.fetch_message(stale->sid);
    } catch (const HttpError& error) {
        spdlog::warn("outbox: message {} not refreshed from Twilio ({}): again in a day", stale->id,
                     error.code);
        return Duty::refreshed;
    }
    send::record_status(
        db, config,
        {.message_id = stale->id,
         .sid = stale->sid,
         .status = theirs.status,
         .error_code = theirs.error_code ? std::optional(theirs.error_code) : std::nullopt,
         .error_message =
             theirs.error_message.empty() ? std::nullopt : std::optional(theirs.error_message)});
    return Duty::refreshed;
}

}  // namespace

Duty next_duty(Db& db, const Config& config, twilio::Client& client, bool everything) {
    if (const auto duty = decide_reply(db, config, client); duty != Duty::none) return duty;
    if (const auto duty = deliver_unowned(db, config, client); duty != Duty::none) return duty;
    if (!everything) return Duty::none;
    if (const auto duty = settle_unsettled(db, config, client); duty != Duty::none) return duty;
    return refresh_stale(db, config, client);
}

}  // namespace textus::outbox
