// /api/crm/sms/media: staff upload a picture to send, read our copy of a message's picture or
// other medium, and ask again for one Twilio's media URL did not give; /media/{name}: Twilio
// fetches a picture we send, on a URL nginx has checked (docs/decisions.md, Media).
#include "common/media/media.h"

#include <string>

#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/media/media_store.h"
#include "common/messages/message_store.h"

namespace {

using namespace textus;
using nlohmann::json;

// A stored item as it was kept: it never changes, so the browser may keep it (privately). A
// picture is shown in the page; anything else is a download, and no type is sniffed or run.
Response show(Context& c) {
    const auto id = c.params.id("id");
    const auto item = c.db.transact([&](Tx& tx) { return media::find(tx, id); });
    if (!item) throw not_found("No media item with id " + std::to_string(id));
    if (item->state == "pending") {
        throw conflict("media_pending", "Not fetched from Twilio yet: it comes within a minute");
    }
    if (item->state == "failed") {
        throw conflict("media_failed",
                       "Could not be fetched from Twilio: " + item->error.value_or("no reason"));
    }
    if (item->state == "deleted") {
        throw HttpError(410, "media_deleted", "Deleted after MEDIA_RETENTION_DAYS");
    }
    auto response = Response::text(200, item->content_type, std::move(item->bytes));
    const auto disposition = media::shown_inline(item->content_type) ? "inline" : "attachment";
    response.headers = {{"Cache-Control", "private, max-age=604800, immutable"},
                        {"Content-Disposition", std::string(disposition) + "; filename=\"media-" +
                                                    std::to_string(id) + "\""},
                        {"Content-Security-Policy", "sandbox; default-src 'none'"}};
    return response;
}

// A failed inbound item goes back to the worker; the inbox shows it pending meanwhile.
Response retry(Context& c) {
    const auto id = c.params.id("id");
    const auto message = c.db.transact([&](Tx& tx) -> std::optional<messages::Message> {
        const auto message_id = media::retry(tx, id);
        if (!message_id) return std::nullopt;
        const auto found = messages::find_many(tx, std::vector<int64_t>{*message_id});
        return found.empty() ? std::nullopt : std::optional(found.front());
    });
    if (!message) {
        const auto item = c.db.transact([&](Tx& tx) { return media::find(tx, id); });
        if (!item) throw not_found("No media item with id " + std::to_string(id));
        throw conflict("media_not_failed",
                       "Only an item Twilio did not give can be asked again; "
                       "this one is " +
                           item->state);
    }
    const auto answer = messages::to_json(*message);
    publish::staff(c.config, staff_events::status(answer));
    return Response::json(202, {{"success", true}, {"message", answer}});
}

// A picture to send, its bytes as the body: kept until a send takes it (mediaIds) or a day.
Response upload(Context& c) {
    const auto type = media::check_upload(c.request.body);
    const auto person = c.person ? std::optional(c.person->id) : std::nullopt;
    const auto item =
        c.db.transact([&](Tx& tx) { return media::save_upload(tx, c.request.body, type, person); });
    return Response::json(201, {{"success", true}, {"media", media::to_json(item)}});
}

// Twilio's fetch of a picture we send. nginx let it through only with a valid, unexpired
// signature of its name (secure_link); the name is 128 random bits besides.
Response fetch(Context& c) {
    std::string bytes;
    const auto type = c.db.transact(
        [&](Tx& tx) { return media::upload_content(tx, c.params.get("name"), bytes); });
    if (!type) throw not_found("No such picture");
    return Response::text(200, *type, std::move(bytes));
}

const Route kRoutes[] = {
    {"POST", "/api/crm/sms/media", upload, Auth::staff, Body::bytes, media::kMaxBytes},
    {"GET", "/api/crm/sms/media/{id}", show, Auth::staff},
    {"POST", "/api/crm/sms/media/{id}/retry", retry, Auth::staff},
    {"GET", "/media/{name}", fetch, Auth::none},
};

}  // namespace

int main() {
    return serve({.name = "media", .routes = kRoutes});
}
