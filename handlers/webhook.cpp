// /api/twilio/webhook and /api/twilio/status: what Twilio posts, signed (contract.md §4). A 200
// means the message is committed: Twilio does not post it again after one. The inbound path touches
// only PostgreSQL: a text's auto-reply is decided and sent by the worker (common/sending/outbox),
// so nothing about a reply can cost the text, and Twilio's REST latency never delays our answer.
#include "common/consent/consent_store.h"
#include "common/consent/keywords.h"
#include "common/consent/opt_out.h"
#include "common/contacts/contact.h"
#include "common/contacts/contact_store.h"
#include "common/core/config.h"
#include "common/core/phone.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/message.h"
#include "common/messages/message_store.h"
#include "common/sending/chat.h"
#include "common/sending/opt_out_review.h"
#include "common/sending/outbox.h"
#include "common/sending/send.h"
#include "common/twilio/twilio_signature.h"

namespace {

using namespace textus;

// Twilio's own auto-replies answer STOP and HELP; we add nothing.
Response empty_twiml() {
    return Response::text(200, "text/xml",
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
}

// A sender we can text back: a phone number in E.164, not a short code or a name. A known
// contact's phone was validated when it was stored, so only a new sender costs libphonenumber's
// metadata (most of a plain CGI request's time: tests/bench/cgi-cost).
bool textable(const std::string& from, const std::optional<contacts::Contact>& known) {
    return known || (from.starts_with('+') && phone::is_e164(from));
}

Response inbound(Context& c) {
    const auto in = messages::parse_inbound(c.form);
    // Twilio's exact keywords, which it acts on too; else a revocation in the sender's own
    // words, which only we can honour, recorded with the text itself.
    const auto said = opt_out::consent_of(in.body);
    struct Stored {
        std::optional<messages::Message> message;
        std::vector<std::string> chats;            // the open web chats that see it
        std::optional<contacts::Contact> changed;  // its opt-in changed, or may have (possible)
        std::optional<messages::Message> confirmation;  // of an opt-out in the sender's words
        std::vector<std::string> confirmation_chats;
    };
    const auto stored = c.db.transact([&](Tx& tx) -> Stored {
        auto contact =
            in.from.starts_with('+') ? contacts::lock_by_phone(tx, in.from) : std::nullopt;
        const bool can_text = textable(in.from, contact);
        auto inserted =
            messages::insert_inbound(tx, in, contact ? std::optional(contact->id) : std::nullopt,
                                     can_text && said.keyword.kind == keywords::Kind::none);
        // Twilio retries the same post: a MessageSid seen before changes nothing, not even a
        // contact for its sender.
        if (!inserted) return {};
        auto message = std::move(inserted->message);
        if (!contact && can_text) {
            contact = contacts::lock_or_create_by_phone(tx, in.from, "sms");
            message = messages::link_contact(tx, message.id, contact->id);
        }
        if (inserted->auto_reply_pending) outbox::wake(tx);
        // A keyword counts once, when its message is new.
        std::optional<contacts::Contact> changed;
        std::optional<messages::Message> confirmation;
        if (contact) changed = consent::apply_keyword(tx, *contact, said.keyword);
        // A longer text that may be an opt-out waits for staff (common/sending/opt_out_review).
        if (contact && said.possible && opt_out_review::mark(tx, contact->id, message.id)) {
            changed = contacts::find(tx, contact->id);
        }
        if (changed && said.own_words) {
            confirmation = send::queue_opt_out_confirmation(tx, *changed, c.config);
        }
        auto chats = chat::audience(tx, message.id);
        auto confirmation_chats =
            confirmation ? chat::audience(tx, confirmation->id) : std::vector<std::string>{};
        return {message, std::move(chats), changed, confirmation, std::move(confirmation_chats)};
    });
    if (stored.message) {
        publish::message(c.config, staff_events::message(messages::to_json(*stored.message)),
                         stored.chats);
    }
    if (stored.changed) {
        publish::staff(c.config, staff_events::contact(contacts::to_json(*stored.changed)));
    }
    if (stored.confirmation) {
        publish::message(c.config, staff_events::message(messages::to_json(*stored.confirmation)),
                         stored.confirmation_chats);
    }
    return empty_twiml();
}

Response status(Context& c) {
    send::record_status(c.db, c.config, messages::parse_status(c.form, c.request.query()));
    return Response::no_content();
}

const Route kRoutes[] = {
    {"POST", "/api/twilio/webhook", inbound, Auth::twilio, Body::form},
    {"POST", "/api/twilio/status", status, Auth::twilio, Body::form},
};

}  // namespace

int main() {
    return serve({.name = "webhook",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN"},
                  .check_signature = twilio::authenticate});
}
