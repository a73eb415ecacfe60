// /api/crm/contacts: staff manage contacts (contract.md §4); admins import and export them as
// CSV (docs/decisions.md, Contact import and export).
#include <ctime>

#include "common/contacts/contact.h"
#include "common/contacts/contact_import.h"
#include "common/contacts/contact_store.h"
#include "common/core/config.h"
#include "common/core/fields.h"
#include "common/db/db.h"
#include "common/http/audit.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/sending/opt_out_review.h"

namespace {

using namespace textus;
using nlohmann::json;

contacts::Actor staff_actor(const Context& c) {
    return {"staff", audit::actor_of(c).name, c.request.remote_addr};
}

Response contact_response(int status, const contacts::Contact& contact) {
    return Response::json(status, {{"success", true}, {"contact", contacts::to_json(contact)}});
}

// Open inboxes hear of every change (contract.md §4, the staff channel), after it committed.
Response changed(const Context& c, int status, const contacts::Contact& contact) {
    publish::staff(c.config, staff_events::contact(contacts::to_json(contact)));
    return contact_response(status, contact);
}

HttpError no_contact(int64_t id) {
    return not_found("No contact with id " + std::to_string(id));
}

Response list(Context& c) {
    const auto query = contacts::parse_list_query(c.request.query());
    const auto page = c.db.transact([&](Tx& tx) { return contacts::list(tx, query); });
    json items = json::array();
    for (const auto& contact : page.contacts) items.push_back(contacts::to_json(contact));
    return Response::json(
        200,
        {{"success", true},
         {"contacts", items},
         {"pagination",
          {{"total", page.total},
           {"limit", query.limit},
           {"skip", query.skip},
           {"hasMore", query.skip + static_cast<int64_t>(page.contacts.size()) < page.total}}}});
}

Response create(Context& c) {
    const auto contact = contacts::apply_write(c.json, nullptr, false, c.config.default_region);
    return changed(c, 201, c.db.transact([&](Tx& tx) {
        return contacts::create(tx, contact, staff_actor(c));
    }));
}

Response show(Context& c) {
    const auto id = c.params.id("id");
    const auto contact = c.db.transact([&](Tx& tx) { return contacts::find(tx, id); });
    if (!contact) throw no_contact(id);
    return contact_response(200, *contact);
}

// PUT replaces every writable field (absent ones are cleared); PATCH changes only the fields
// it names. Read, decide and write under the row lock, in one unit of work.
Response update(Context& c, bool replace) {
    const auto id = c.params.id("id");
    return changed(c, 200, c.db.transact([&](Tx& tx) {
        const auto stored = contacts::lock(tx, id);
        if (!stored) throw no_contact(id);
        const auto contact =
            contacts::apply_write(c.json, &*stored, replace, c.config.default_region);
        return contacts::update(tx, *stored, contact, staff_actor(c));
    }));
}

Response replace(Context& c) {
    return update(c, true);
}
Response patch(Context& c) {
    return update(c, false);
}

Response remove(Context& c) {
    const auto id = c.params.id("id");
    const bool removed =
        c.db.transact([&](Tx& tx) { return contacts::remove(tx, id, audit::actor_of(c)); });
    if (!removed) throw no_contact(id);
    publish::staff(c.config, staff_events::contact_deleted(id));
    return Response::json(200, {{"success", true}, {"id", id}});
}

// Staff's decision on a text that may be an opt-out (common/sending/opt_out_review).
Response review_possible_opt_out(Context& c) {
    const auto id = c.params.id("id");
    const auto review = opt_out_review::parse(c.json);
    const auto reviewed = c.db.transact(
        [&](Tx& tx) { return opt_out_review::apply(tx, id, review, staff_actor(c), c.config); });
    if (reviewed.confirmation) {
        publish::message(c.config, staff_events::message(messages::to_json(*reviewed.confirmation)),
                         {});
    }
    return changed(c, 200, reviewed.contact);
}

// A CSV file as the body: ?commit=true imports it, else it is a preview (the same unit of work,
// rolled back); ?columns= maps the file's columns, ?update= names what existing contacts take.
Response import_contacts(Context& c) {
    const auto query = c.request.query();
    const auto* commit = query.get("commit");
    if (commit && *commit != "true" && *commit != "false") {
        throw bad_request("invalid_query", "commit must be true or false", "commit");
    }
    const auto* columns = query.get("columns");
    const auto* update = query.get("update");
    const auto file = contacts::read_import(
        c.request.body, columns ? std::optional(*columns) : std::nullopt, c.config.default_region);
    const contacts::Options options{contacts::parse_update(update ? *update : "")};
    const auto unit = [&](Tx& tx) {
        return contacts::apply_import(tx, file, options, c.staff, audit::actor_of(c),
                                      c.config.default_region);
    };
    const bool committing = commit && *commit == "true";
    const auto outcome = committing ? c.db.transact(unit) : c.db.rehearse(unit);
    return Response::json(200, contacts::to_json(file, outcome, committing));
}

// The contacts a list query selects, as CSV, streamed page by page (by id: none twice, none
// skipped, whatever changes meanwhile); in the audit log before the first byte.
Response export_contacts(Context& c) {
    const auto query = contacts::parse_list_query(c.request.query());
    c.db.transact([&](Tx& tx) {
        audit::record(tx, audit::actor_of(c), "contacts_exported", "",
                      c.request.query_string.substr(0, 200));
    });
    const auto day = fields::utc_rfc3339(std::time(nullptr)).substr(0, 10);
    auto response = Response::text(200, "text/csv; charset=utf-8", "");
    response.headers = {
        {"Content-Disposition", "attachment; filename=\"contacts-" + day + ".csv\""}};
    response.stream = [&db = c.db, query](const BodyWriter& write) {
        constexpr int kPage = 1000;
        // The byte order mark: spreadsheets then read the file as UTF-8.
        if (!write("\xEF\xBB\xBF" + contacts::export_header())) return;
        db.transact([&](Tx& tx) {
            for (int64_t after = 0;;) {
                const auto page = contacts::export_page(tx, query, after, kPage);
                std::string lines;
                for (const auto& contact : page) lines += contacts::export_line(contact);
                if (page.empty() || !write(lines)) return;
                after = page.back().id;
            }
        });
    };
    return response;
}

const Route kRoutes[] = {
    {"POST", "/api/crm/contacts/import", import_contacts, Auth::admin, Body::bytes,
     contacts::kMaxImportBytes},
    {"GET", "/api/crm/contacts/export", export_contacts, Auth::admin},
    {"GET", "/api/crm/contacts", list, Auth::staff},
    {"POST", "/api/crm/contacts", create, Auth::staff, Body::json},
    {"GET", "/api/crm/contacts/{id}", show, Auth::staff},
    {"PUT", "/api/crm/contacts/{id}", replace, Auth::staff, Body::json},
    {"PATCH", "/api/crm/contacts/{id}", patch, Auth::staff, Body::json},
    {"DELETE", "/api/crm/contacts/{id}", remove, Auth::admin},
    {"POST", "/api/crm/contacts/{id}/possible-opt-out", review_possible_opt_out, Auth::staff,
     Body::json},
};

}  // namespace

int main() {
    return serve({.name = "contacts", .routes = kRoutes});
}
