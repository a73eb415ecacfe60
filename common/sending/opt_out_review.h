// Possible opt-outs (issue 24; docs/decisions.md, Opt-out in the sender's own words): a longer
// text with a stop word in it (opt_out::Reading::possible) is neither obeyed nor ignored. The
// webhook marks the contact with it; the inbox shows it; campaigns and scheduled sends skip the
// contact; staff confirm it as an opt-out or dismiss it, in one click.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/contacts/contact.h"
#include "common/contacts/contact_store.h"
#include "common/core/config.h"
#include "common/messages/message.h"

namespace textus {
class Tx;
}

namespace textus::opt_out_review {

// POST /api/crm/contacts/{id}/possible-opt-out's body: {messageId, decision: "opt_out" |
// "dismiss"}; 400 naming the field. messageId is the text staff saw: a decision never lands on
// another one.
struct Review {
    int64_t message_id = 0;
    bool opt_out = false;  // else dismissed
};
Review parse(const nlohmann::json& body);

// Inside the webhook's unit of work: `contact` (locked) sent `message_id`, which may be an
// opt-out. The latest such text is the one staff see; a number opted out already is not
// marked (false): there is nothing left to decide.
bool mark(Tx& tx, int64_t contact_id, int64_t message_id);

struct Reviewed {
    contacts::Contact contact;
    std::optional<messages::Message> confirmation{};  // the opt-out's, for the worker
};

// Staff's decision, in one unit of work under the contact's lock: 404 for no such contact, 409
// not_pending when `review.message_id` is not the contact's possible opt-out (decided already,
// or a newer text took its place). Confirmed: the number opts out, recorded with source staff
// and the text as its detail (`actor`), and gets the one confirmation we send
// (send::queue_opt_out_confirmation). Dismissed: the mark is cleared; consent is unchanged.
Reviewed apply(Tx& tx, int64_t contact_id, const Review& review, const contacts::Actor& actor,
               const Config& config);

}  // namespace textus::opt_out_review
