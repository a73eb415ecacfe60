#include "common/consent/consent_store.h"

#include "common/db/db.h"

namespace textus::consent {

using contacts::Actor;
using contacts::Contact;

namespace {

// Any change of consent settles a possible opt-out.
const Statement kSetOptIn{"consent_set_opt_in",
                          "UPDATE contacts SET sms_opt_in = $2, possible_opt_out_id = NULL,"
                          " opted_out_at = CASE WHEN $2 THEN NULL ELSE now() END,"
                          " updated_at = now() WHERE id = $1"};
const Statement kSetLanguage{"consent_set_language",
                             "UPDATE contacts SET language = $2 WHERE id = $1"};
const Statement kSettlePossibleOptOut{
    "consent_settle_possible_opt_out",
    "UPDATE contacts SET possible_opt_out_id = NULL, updated_at = now() WHERE id = $1"};

}  // namespace

std::optional<Contact> apply_keyword(Tx& tx, const Contact& c, const keywords::Match& keyword) {
    const bool opted_out = !c.sms_opt_in && c.opted_out_at;
    const bool changes_opt_in = (keyword.kind == keywords::Kind::opt_out && !opted_out) ||
                                (keyword.kind == keywords::Kind::opt_in && !c.sms_opt_in);
    // A STOP or START answers a possible opt-out too, even when it changes nothing else.
    const bool settles = c.possible_opt_out_id && (keyword.kind == keywords::Kind::opt_out ||
                                                   keyword.kind == keywords::Kind::opt_in);
    if (changes_opt_in) {
        tx.exec(kSetOptIn, c.id, keyword.kind == keywords::Kind::opt_in);
    } else if (settles) {
        settle_possible_opt_out(tx, c.id);
    }
    if (changes_opt_in || keyword.kind == keywords::Kind::help) {
        contacts::log_consent_event(tx, c.id, c.phone, keywords::name(keyword.kind),
                                    Actor{"keyword", std::string(keyword.keyword), ""});
    }
    if (!changes_opt_in && !settles) return std::nullopt;
    return contacts::find(tx, c.id);
}

void settle_possible_opt_out(Tx& tx, int64_t id) {
    tx.exec(kSettlePossibleOptOut, id);
}

Contact record_web_consent(Tx& tx, const Contact& locked, const Actor& actor) {
    tx.exec(kSetOptIn, locked.id, true);
    if (!actor.language.empty()) tx.exec(kSetLanguage, locked.id, actor.language);
    auto verified = actor;
    verified.verified_by = "code";
    contacts::log_consent_event(tx, locked.id, locked.phone, "opt_in", verified);
    return *contacts::find(tx, locked.id);
}

Contact record_opt_out(Tx& tx, const Contact& locked, const Actor& actor) {
    tx.exec(kSetOptIn, locked.id, false);
    contacts::log_consent_event(tx, locked.id, locked.phone, "opt_out", actor);
    return *contacts::find(tx, locked.id);
}

}  // namespace textus::consent
