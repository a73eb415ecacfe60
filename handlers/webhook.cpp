// /api/twilio/webhook and /api/twilio/status: what Twilio posts, signed (contract.md §4). A 200
// means the message is committed (common/sending/inbound); what was stored is published after.
#include "common/contacts/contact.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/message.h"
#include "common/sending/inbound.h"
#include "common/sending/send.h"
#include "common/twilio/twilio_signature.h"

namespace {

using namespace textus;

// Twilio's own auto-replies answer STOP and HELP; we add nothing.
Response empty_twiml() {
    return Response::text(200, "text/xml",
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
}

Response inbound(Context& c) {
    const auto received = inbound::receive(c.db, c.config, messages::parse_inbound(c.form));
    if (received.message) {
        publish::message(c.config, staff_events::message(messages::to_json(*received.message)),
                         received.chats);
    }
    if (received.changed) {
        publish::staff(c.config, staff_events::contact(contacts::to_json(*received.changed)));
    }
    if (received.confirmation) {
        publish::message(c.config, staff_events::message(messages::to_json(*received.confirmation)),
                         received.confirmation_chats);
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
