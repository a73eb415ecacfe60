// /api/crm/sms/messages: staff read a conversation's messages and mark them read (contract.md §4);
// /api/crm/sms/notes: the thread's internal notes; /api/crm/mentions: the notes that name the
// signed-in person, unseen (docs/decisions.md, Notes and mentions).
#include "common/core/config.h"
#include "common/core/fields.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/message.h"
#include "common/messages/message_store.h"
#include "common/messages/note_store.h"

namespace {

using namespace textus;
using nlohmann::json;

Response list(Context& c) {
    const auto query = messages::parse_message_query(c.request.query(), c.config.default_region);
    const auto page = c.db.transact([&](Tx& tx) { return messages::list(tx, query); });
    json items = json::array();
    for (const auto& message : page.messages) items.push_back(messages::to_json(message));
    return Response::json(
        200, {{"success", true},
              {"messages", items},
              {"nextBefore", page.next_before ? json(*page.next_before) : json(nullptr)}});
}

Response mark_read(Context& c) {
    const auto id = fields::id(c.json.value("contactId", json()), "contactId", "a contact's id");
    const auto updated = c.db.transact([&](Tx& tx) { return messages::mark_read(tx, id); });
    if (!updated) throw not_found("No contact with id " + std::to_string(id));
    return Response::json(200, {{"success", true}, {"contactId", id}, {"marked", *updated}});
}

Response list_notes(Context& c) {
    const auto query = notes::parse_query(c.request.query());
    const auto page = c.db.transact([&](Tx& tx) { return notes::list(tx, query); });
    json items = json::array();
    for (const auto& note : page.notes) items.push_back(notes::to_json(note));
    return Response::json(
        200, {{"success", true},
              {"notes", items},
              {"nextBefore", page.next_before ? json(*page.next_before) : json(nullptr)}});
}

// A note in the thread, told to every inbox (those it mentions tell their person).
Response add_note(Context& c) {
    const auto write = notes::parse_write(c.json);
    const auto author = c.person ? std::optional(c.person->id) : std::nullopt;
    const auto note =
        c.db.transact([&](Tx& tx) { return notes::create(tx, write, author, c.staff); });
    const auto answer = notes::to_json(note);
    publish::staff(c.config, staff_events::note(answer));
    return Response::json(201, {{"success", true}, {"note", answer}});
}

// The notes that mention the caller and that they have not seen; none for a key of nobody.
Response list_mentions(Context& c) {
    json items = json::array();
    if (c.person) {
        const auto unread =
            c.db.transact([&](Tx& tx) { return notes::unread_mentions(tx, c.person->id); });
        for (const auto& note : unread) items.push_back(notes::to_json(note));
    }
    return Response::json(200, {{"success", true}, {"mentions", items}});
}

Response mark_mentions_read(Context& c) {
    const auto id = fields::id(c.json.value("contactId", json()), "contactId", "a contact's id");
    const auto marked =
        c.person
            ? c.db.transact([&](Tx& tx) { return notes::mark_mentions_read(tx, c.person->id, id); })
            : 0;
    return Response::json(200, {{"success", true}, {"contactId", id}, {"marked", marked}});
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/messages", list, Auth::staff},
    {"POST", "/api/crm/sms/messages/read", mark_read, Auth::staff, Body::json},
    {"GET", "/api/crm/sms/notes", list_notes, Auth::staff},
    {"POST", "/api/crm/sms/notes", add_note, Auth::staff, Body::json},
    {"GET", "/api/crm/mentions", list_mentions, Auth::staff},
    {"POST", "/api/crm/mentions/read", mark_mentions_read, Auth::staff, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "messages", .routes = kRoutes});
}
