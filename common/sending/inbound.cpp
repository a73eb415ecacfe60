#include "common/sending/inbound.h"

#include "common/consent/consent_store.h"
#include "common/consent/keywords.h"
#include "common/consent/opt_out.h"
#include "common/contacts/contact_store.h"
#include "common/core/phone.h"
#include "common/messages/message_store.h"
#include "common/sending/chat.h"
#include "common/sending/opt_out_review.h"
#include "common/sending/outbox.h"
#include "common/sending/send.h"

namespace textus::inbound {

namespace {

const std::string kWake(outbox::kChannel);

// A sender we can text back: a phone number in E.164, not a short code or a name. A known
// contact's phone was validated when it was stored, so only a new sender costs libphonenumber's
// metadata (most of a plain CGI request's time: tests/bench/cgi-cost).
bool textable(const std::string& from, const std::optional<contacts::Contact>& known) {
    return known || (from.starts_with('+') && phone::is_e164(from));
}

// Everything but the usual text: a new sender, a keyword, a possible opt-out.
Received receive_in_transaction(Tx& tx, const Config& config, const messages::Inbound& in,
                                const opt_out::Said& said) {
    auto contact = in.from.starts_with('+') ? contacts::lock_by_phone(tx, in.from) : std::nullopt;
    const bool can_text = textable(in.from, contact);
    auto stored = messages::insert_inbound(
        tx, in, can_text && said.keyword.kind == keywords::Kind::none, false, kWake);
    // Twilio retries the same post: a MessageSid seen before changes nothing, not even a
    // contact for its sender.
    if (!stored.message) return {};
    Received out{.message = std::move(stored.message), .chats = std::move(stored.chats)};
    if (!contact && can_text) {
        contact = contacts::lock_or_create_by_phone(tx, in.from, "sms");
        out.message = messages::link_contact(tx, out.message->id, contact->id);
        out.chats = chat::audience(tx, out.message->id);
    }
    // A keyword counts once, when its message is new.
    if (contact) out.changed = consent::apply_keyword(tx, *contact, said.keyword);
    // A longer text that may be an opt-out waits for staff (common/sending/opt_out_review).
    if (contact && said.possible && opt_out_review::mark(tx, contact->id, out.message->id)) {
        out.changed = contacts::find(tx, contact->id);
    }
    if (out.changed && said.own_words) {
        out.confirmation = send::queue_opt_out_confirmation(tx, *out.changed, config);
        out.confirmation_chats = chat::audience(tx, out.confirmation->id);
    }
    return out;
}

}  // namespace

Received receive(Db& db, const Config& config, const messages::Inbound& in) {
    // Twilio's exact keywords, which it acts on too; else a revocation in the sender's own
    // words, which only we can honour, recorded with the text itself.
    const auto said = opt_out::consent_of(in.body);
    if (said.keyword.kind == keywords::Kind::none && !said.possible && in.from.starts_with('+')) {
        auto usual =
            db.single([&](Tx& tx) { return messages::insert_inbound(tx, in, true, true, kWake); });
        if (usual.sender_known) {
            return {.message = std::move(usual.message), .chats = std::move(usual.chats)};
        }
    }
    return db.transact([&](Tx& tx) { return receive_in_transaction(tx, config, in, said); });
}

}  // namespace textus::inbound
