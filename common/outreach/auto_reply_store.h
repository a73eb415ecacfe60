// Auto-reply rules in PostgreSQL, and the decision of a text's reply against them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/contacts/contact.h"
#include "common/core/config.h"
#include "common/messages/message.h"
#include "common/outreach/auto_reply.h"
#include "common/sending/send.h"

namespace textus {
class Tx;
}

namespace textus::auto_reply {

// Keyword rules by keyword, then the away rule.
std::vector<Rule> list(Tx& tx);
std::optional<Rule> find(Tx& tx, int64_t id);
// 409 duplicate_keyword, or away_exists for a second away rule.
Rule create(Tx& tx, const Rule& rule);
std::optional<Rule> update(Tx& tx, int64_t id, const Rule& rule);
bool remove(Tx& tx, int64_t id);

// The auto-reply to an inbound text `message` from contact `contact_id`, if any: the enabled
// keyword rule whose keyword the whole text is; else the enabled away rule, when now is
// outside its hours in `time_zone` and the contact got no away reply in the last 12 hours.
// Call it only for a text that is none of Twilio's keywords.
std::optional<Reply> decide(Tx& tx, std::string_view message, int64_t contact_id,
                            const std::string& time_zone);

// In the worker's unit of work after the inbound text's (common/sending/outbox), its contact
// locked: the auto-reply to `in` decided (decide, in DEFAULT_TIME_ZONE) and its row written through
// the send path (send::prepare: the consent rules, the opt-out notice, sentBy "auto",
// Idempotency-Key "auto-<kind>-<MessageSid>", so a text replies once), owned by the caller (the
// worker), which delivers it after the commit; none when `in` speaks to consent (a keyword, or
// an opt-out in its own words: opt_out::consent_of) or no rule applies. The send decision's
// refusal (the number opted out, the reply empty or too long for the contact) is thrown: it
// costs the reply, never the text, which is committed already.
std::optional<send::Prepared> queue(Tx& tx, const contacts::Contact& contact,
                                    const messages::Inbound& in, const Config& config);

}  // namespace textus::auto_reply
