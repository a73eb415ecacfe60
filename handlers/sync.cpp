// /api/crm/sms/sync: staff bring a number's history, or one message, in from Twilio (DESIGN §4).
// Twilio is called first, outside any unit of work; its answer is applied in one.
#include <spdlog/spdlog.h>

#include "common/config.h"
#include "common/contact_store.h"
#include "common/db.h"
#include "common/message.h"
#include "common/message_store.h"
#include "common/message_sync.h"
#include "common/server.h"
#include "common/twilio_client.h"

namespace {

using namespace textus;

HttpError no_contact(int64_t id) {
    return not_found("No contact with id " + std::to_string(id));
}

// Our own number is no customer: its lists are the whole account's, not one contact's.
bool own_number(const Context& c, const std::string& phone) {
    return phone == c.config.twilio_phone_number;
}

// The media URLs of the MMS among `messages` that we have not stored: one Twilio call each, so
// none for what we have.
void fetch_media(Context& c, twilio::Client& client, std::vector<sync::Imported>& messages) {
    std::vector<std::string> sids;
    for (const auto& m : messages) {
        if (m.num_media > 0) sids.push_back(m.sid);
    }
    if (sids.empty()) return;
    const auto stored = c.db.transact([&](Tx& tx) { return sync::stored_sids(tx, sids); });
    for (auto& m : messages) {
        if (m.num_media == 0 || stored.contains(m.sid)) continue;
        twilio::Message mms;
        mms.sid = m.sid;
        mms.num_media = m.num_media;
        m.media_urls = client.media_urls(mms);
    }
}

void log_outcome(std::optional<int64_t> contact_id, size_t fetched, const sync::Applied& applied) {
    spdlog::info("sync: contact {}: fetched {}, inserted {}, updated {}",
                 contact_id ? std::to_string(*contact_id) : "none", fetched, applied.inserted,
                 applied.updated);
}

// A number's history, both directions, newest first up to the limit.
Response sync_number(Context& c, const sync::Request& r) {
    auto phone = r.phone;
    if (r.contact_id) {
        const auto contact =
            c.db.transact([&](Tx& tx) { return contacts::find(tx, *r.contact_id); });
        if (!contact) throw no_contact(*r.contact_id);
        phone = contact->phone;
    }
    if (own_number(c, *phone)) {
        throw bad_request("invalid_phone", "That is this business's own Twilio number",
                          r.contact_id ? "contactId" : "phoneNumber");
    }
    twilio::Client client(c.config);
    auto merged = sync::merge(client.list_messages({.to = *phone, .limit = r.limit}),
                              client.list_messages({.from = *phone, .limit = r.limit}), r.limit);
    if (merged.skipped) {
        spdlog::warn("sync: skipped {} of Twilio's messages: no message SID, direction or date",
                     merged.skipped);
    }
    fetch_media(c, client, merged.messages);
    const auto [contact_id, applied] = c.db.transact([&](Tx& tx) {
        std::optional<int64_t> id;
        if (r.contact_id) {
            const auto contact = contacts::lock(tx, *r.contact_id);
            if (!contact) throw no_contact(*r.contact_id);
            if (contact->phone != *phone) {
                throw conflict("conflict",
                               "The contact's phone changed during the sync; "
                               "run it again");
            }
            id = contact->id;
        } else if (!merged.messages.empty()) {
            id = contacts::lock_or_create_by_phone(tx, *phone, "sync").id;
        }
        return std::pair(id, sync::apply(tx, merged.messages, id));
    });
    log_outcome(contact_id, merged.messages.size(), applied);
    return Response::json(200, {{"success", true},
                                {"fetched", merged.messages.size()},
                                {"inserted", applied.inserted},
                                {"updated", applied.updated}});
}

// One message's status, or the message itself when we never stored it.
Response sync_message(Context& c, const std::string& sid) {
    twilio::Client client(c.config);
    auto imported = sync::from_twilio(client.fetch_message(sid));
    if (!imported) {
        throw twilio::TwilioError(502, "twilio_unavailable",
                                  "Twilio's copy of the message is not one we can store");
    }
    std::vector<sync::Imported> one{std::move(*imported)};
    fetch_media(c, client, one);
    auto phone = sync::customer_phone(one[0], c.config.default_region);
    if (phone && own_number(c, *phone)) phone.reset();
    const auto [contact_id, applied, message] = c.db.transact([&](Tx& tx) {
        std::optional<int64_t> id;
        if (phone) id = contacts::lock_or_create_by_phone(tx, *phone, "sync").id;
        auto applied = sync::apply(tx, one, id);
        return std::tuple(id, applied, messages::find_many(tx, applied.ids).at(0));
    });
    log_outcome(contact_id, 1, applied);
    return Response::json(200, {{"success", true},
                                {"fetched", 1},
                                {"inserted", applied.inserted},
                                {"updated", applied.updated},
                                {"message", messages::to_json(message)}});
}

Response run(Context& c) {
    const auto request = sync::parse_request(c.json, c.config.default_region);
    if (request.message_sid) return sync_message(c, *request.message_sid);
    return sync_number(c, request);
}

const Route kRoutes[] = {
    {"POST", "/api/crm/sms/sync", run, Auth::staff, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "sync",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"}});
}
