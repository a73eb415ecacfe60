// The outbox (docs/decisions.md, The outbox): every outbound text is a `messages` row committed
// as queued before any outside call, and has an owner until Twilio has it (a SID) or refused it
// (failed). The writer of a row that sends at once owns it for kLeaseSeconds; a row nobody owns
// is the worker's to deliver; a row whose owner's lease ran out without an answer is looked up
// at Twilio before it could ever go again, since its create may have reached Twilio.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/messages/message.h"
#include "common/twilio/twilio_client.h"

namespace textus {
class Tx;
}

namespace textus::outbox {

// How long the owner of a row may be handing it to Twilio: longer than the client's worst case
// for a create (3 attempts of a 5 s connect and a 10 s read, with waits), so that an owner still
// waiting on Twilio is never overtaken.
inline constexpr int kLeaseSeconds = 120;
// A row whose fate stayed unknown, and which Twilio's list does not hold, goes once more at
// most: two attempts in all.
inline constexpr int kMaxAttempts = 2;
// ... and only while it is this fresh: a reply an hour late is worse than none.
inline constexpr int kResendWithinSeconds = 3600;
// Twilio's clock and ours may differ: a create is looked for from this long before our row.
inline constexpr int kClockSkewSeconds = 300;
// Twilio's newest messages to the number that a lookup reads.
inline constexpr int kLookupLimit = 50;

// The channel PostgreSQL's NOTIFY wakes the worker on.
inline constexpr std::string_view kChannel = "textus_outbox";

// Wakes the worker when this unit of work commits (NOTIFY: nothing when it rolls back).
void wake(Tx& tx);

// A row the worker took: it owns it for kLeaseSeconds from now.
struct Claimed {
    messages::Message message;
    int attempts = 0;           // handed to Twilio so far, this time included for a delivery
    int64_t age_seconds = 0;    // since the row was written
    std::string created_after;  // RFC 3339: Twilio's create cannot be older (kClockSkewSeconds)
    std::vector<std::string> chats{};  // the open web chats that see it (chat::audience)
    // The number's last word on record is an opt-out, given after the row was written: never
    // send it.
    bool opted_out = false;
};

// The oldest queued row nobody owns, its attempt counted: the worker delivers it.
std::optional<Claimed> claim_unowned(Tx& tx);

// The row whose owner's lease ran out longest ago, queued still and without a SID: the worker
// settles it (settle_decision).
std::optional<Claimed> claim_unsettled(Tx& tx);

// Counts another attempt at `id`: it is about to go to Twilio again.
void count_attempt(Tx& tx, int64_t id);

// Of `sids`, those some message of ours holds already.
std::set<std::string> known_sids(Tx& tx, const std::vector<std::string>& sids);

// Twilio's message that is our `claimed` row, among Twilio's newest messages to its number:
// outbound, to that number, with the row's body, created no earlier than created_after, and
// with a SID no other row of ours holds (`known`). The newest such.
std::optional<twilio::Message> match(const Claimed& claimed,
                                     const std::vector<twilio::Message>& listed,
                                     const std::set<std::string>& known);

// What becomes of an unsettled row Twilio's list does not hold.
enum class Unsettled {
    resend,  // attempts left and fresh enough: it goes again, once
    fail,    // failed, with send_unconfirmed: staff see it and may send it again themselves
};
Unsettled settle_decision(const Claimed& claimed);

// How a row whose fate stayed unknown is failed: {status, code, message}.
HttpError unconfirmed();

// A day: a message with a SID and a status that is not final after it is fetched from Twilio
// (a status callback may have been lost), once a day for kStaleDays.
inline constexpr int kStaleSeconds = 24 * 60 * 60;
inline constexpr int kStaleDays = 7;

// A message to refresh: the oldest with a SID whose status is not final, written more than a
// day ago (and less than kStaleDays), not looked at in the last day; its next look a day on.
struct Stale {
    int64_t id = 0;
    std::string sid;
};
std::optional<Stale> claim_stale(Tx& tx);

// An inbound text waiting for its auto-reply to be decided (auto_reply_pending), taken by one
// worker: its flag is cleared in the same unit of work.
struct PendingReply {
    int64_t message_id = 0;
    int64_t contact_id = 0;
    messages::Inbound text{};  // its MessageSid and body
};
std::optional<PendingReply> claim_pending_reply(Tx& tx);

// Clears `message_id`'s pending auto-reply: the decision was refused (the unit that tried it
// rolled back). False when it was no longer pending: between that rollback and this, another
// sender took the text and decided it (or dropped it) itself.
bool drop_pending_reply(Tx& tx, int64_t message_id);

}  // namespace textus::outbox
