// The one serve loop: every handler executable is `return serve(service);` with a route
// table. It accepts FastCGI requests (or serves the single request of a CGI run), reads and
// dispatches them, checks staff keys and Twilio signatures, reads each route's body, maps every
// error to contract.md §4's JSON body in one place, and logs one line per request.
//
// Order of checks: route (404, 405), body size (400 bad Content-Length, 413), staff key (401),
// body type and syntax (415, 400), Twilio signature (403, over the parsed form), handler.
// A process whose configuration is incomplete stays up and answers every request with 503
// configuration_incomplete naming what is missing. With TEXTUS_IDLE_EXIT, the processes of a
// FastCGI handler exit together once idle, for their socket's holder to start them again
// (docs/decisions.md, Scale to zero).
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "common/http/health.h"
#include "common/http/http.h"
#include "common/http/router.h"

namespace textus {

struct Service {
    std::string_view name;  // "contacts": names the log lines
    std::span<const Route> routes;
    std::vector<std::string_view> required_config = {"DATABASE_URL"};
    // What this handler adds to its health answer (health::Report), if anything.
    health::Report report = {};
    // How a route with Auth::twilio proves who sent it (twilio::authenticate): throws 403 when
    // it does not. The scheme belongs to the sender's client, not to the serve loop.
    void (*check_signature)(const Config&, const Request&, const Form&) = nullptr;
};

int serve(const Service& service);

// Fills up to n bytes of request body, returns how many (0 at the end).
using BodyReader = std::function<size_t(char*, size_t)>;

// One request through the route table, everything between reading the CGI variables and
// writing the answer (serve() adds Cache-Control and writes it). Sets `route_label` to the
// matched pattern, for the log line.
Response respond(const Service& service, const Config& config, Db& db, Request& request,
                 const BodyReader& read, std::string_view& route_label);

// The response for the exception being handled: an HttpError as itself, a lost database as
// 503, anything else as a logged 500 that tells the client nothing internal. Call only
// inside a catch block.
Response error_response();

// contract.md §4's error body with `status`, without a field.
Response error_response(int status, std::string_view code, std::string_view message);

}  // namespace textus
