#include "common/sending/opt_out_review.h"

#include "common/consent/consent_store.h"
#include "common/core/error.h"
#include "common/db/db.h"
#include "common/sending/send.h"

namespace textus::opt_out_review {

namespace {

using nlohmann::json;

const Statement kMark{"opt_out_review_mark",
                      "UPDATE contacts SET possible_opt_out_id = $2, updated_at = now()"
                      " WHERE id = $1 AND (sms_opt_in OR opted_out_at IS NULL) RETURNING id"};
const Statement kText{"opt_out_review_text", "SELECT body FROM messages WHERE id = $1"};

}  // namespace

Review parse(const json& body) {
    Review out;
    const auto id = body.find("messageId");
    if (id == body.end() || !id->is_number_integer() || id->get<int64_t>() < 1) {
        throw bad_request("invalid_field", "messageId must be the id of the text staff saw",
                          "messageId");
    }
    out.message_id = id->get<int64_t>();
    const auto decision = body.find("decision");
    if (decision == body.end() || !decision->is_string() ||
        (*decision != "opt_out" && *decision != "dismiss")) {
        throw bad_request("invalid_field", "decision must be \"opt_out\" or \"dismiss\"",
                          "decision");
    }
    out.opt_out = *decision == "opt_out";
    return out;
}

bool mark(Tx& tx, int64_t contact_id, int64_t message_id) {
    return !tx.exec(kMark, contact_id, message_id).empty();
}

Reviewed apply(Tx& tx, int64_t contact_id, const Review& review, const contacts::Actor& actor,
               const Config& config) {
    const auto contact = contacts::lock(tx, contact_id);
    if (!contact) throw not_found("No contact with id " + std::to_string(contact_id));
    if (contact->possible_opt_out_id != review.message_id) {
        throw conflict("not_pending",
                       "That text is no longer waiting for a decision: reload the conversation",
                       "messageId");
    }
    if (!review.opt_out) {
        consent::settle_possible_opt_out(tx, contact_id);
        return {.contact = *contacts::find(tx, contact_id)};
    }
    auto detail = actor;
    detail.detail = tx.exec(kText, review.message_id)[0][0].as<std::string>();
    auto opted_out = consent::record_opt_out(tx, *contact, detail);
    auto confirmation = send::queue_opt_out_confirmation(tx, opted_out, config);
    return {.contact = std::move(opted_out), .confirmation = std::move(confirmation)};
}

}  // namespace textus::opt_out_review
