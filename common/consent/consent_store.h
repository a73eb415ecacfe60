// Consent in PostgreSQL: what changes a contact's SMS opt-in after it exists (a keyword, a
// confirmed web code, staff confirming an opt-out) and the possible opt-outs it settles. Each
// change is written to the consent log through contacts::log_consent_event.
#pragma once

#include <cstdint>
#include <optional>

#include "common/consent/keywords.h"
#include "common/contacts/contact_store.h"

namespace textus::consent {

// What an inbound keyword means for `locked` (from lock or lock_or_create_by_phone): an opt-out
// or opt-in changes its SMS opt-in and is recorded, with source "keyword", when it changes
// anything; a help request is always recorded. A STOP or START also settles a possible opt-out
// (common/sending/opt_out_review). The contact as it is now when its opt-in changed, or that
// settled.
std::optional<contacts::Contact> apply_keyword(Tx& tx, const contacts::Contact& locked,
                                               const keywords::Match& keyword);

// `locked` opted in by a web form whose code was confirmed from the phone: the opt_in event by
// `actor` (source "web", the consent text the form showed, its language, the birthdate it gave,
// the confirming client's IP), verified by "code". The contact takes the form's language: the
// phone's holder chose it. The caller refuses an opted-out number first.
contacts::Contact record_web_consent(Tx& tx, const contacts::Contact& locked,
                                     const contacts::Actor& actor);

// Clears contact `id`'s possible opt-out (common/sending/opt_out_review), consent unchanged.
void settle_possible_opt_out(Tx& tx, int64_t id);

// `locked` opted out by `actor` (staff confirming a text as an opt-out: source "staff", the
// text as the detail).
contacts::Contact record_opt_out(Tx& tx, const contacts::Contact& locked,
                                 const contacts::Actor& actor);

}  // namespace textus::consent
