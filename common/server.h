// The one serve loop: every handler executable is `return serve(service);` with a route
// table. It accepts FastCGI requests (or serves the single request of a CGI run), reads and
// dispatches them, checks staff keys, maps every error to DESIGN §4's JSON body in one place,
// and logs one line per request.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/http.h"
#include "common/router.h"

namespace textus {

struct Service {
    std::string_view name;  // "contacts": names the log lines
    std::span<const Route> routes;
    std::vector<std::string_view> required_config = {"DATABASE_URL"};
};

int serve(const Service& service);

// The response for the exception being handled: an HttpError as itself, a lost database as
// 503, anything else as a logged 500 that tells the client nothing internal. Call only
// inside a catch block.
Response error_response();

}  // namespace textus
