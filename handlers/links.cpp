// /l/{code}: a tracked link in one of our texts (docs/decisions.md, Tracked links). A click is
// counted and sent on (302, never cached); a code that is not ours, or expired, gets a plain
// page saying so. Public, limited per client address by nginx, which alone sees the address.
#include <string>

#include "common/db/db.h"
#include "common/http/server.h"
#include "common/sending/link_store.h"

namespace {

using namespace textus;

const char* const kGone =
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\"><title>Link not found</title>"
    "<p style=\"font:1.1rem system-ui,sans-serif;margin:3rem auto;max-width:30rem;padding:0 1rem\">"
    "This link does not work any more, or never did. If it came in a text from us, reply to "
    "that text and we will send it again.</p></html>\n";

Response gone() {
    return Response::text(404, "text/html; charset=utf-8", kGone);
}

// "/l/" alone: no code at all.
Response no_code(Context&) {
    return gone();
}

Response follow(Context& c) {
    const auto& code = c.params.get("code");
    // A link previewer's HEAD is no click.
    const bool count = c.request.method == "GET";
    const auto url = links::plausible(code)
                         ? c.db.transact([&](Tx& tx) { return links::follow(tx, code, count); })
                         : std::nullopt;
    if (!url) return gone();
    auto response = Response::text(302, "", "");
    response.headers = {{"Location", *url}};
    return response;
}

const Route kRoutes[] = {
    {"GET", "/l/{code}", follow, Auth::none},
    {"GET", "/l", no_code, Auth::none},
};

}  // namespace

int main() {
    return serve({.name = "links", .routes = kRoutes});
}
