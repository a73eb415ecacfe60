// Routes as a table: a handler declares (method, path pattern, function, auth, body) rows and
// the serve loop (server.h) dispatches to them, like cgit's cmd.c and its command flags.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "common/http/http.h"
#include "common/http/people.h"

namespace textus {

class Db;
struct Config;

// Who may call a route: anyone; anyone signing in or out (session); staff (a bearer key or a
// signed-in person's session cookie; 401 otherwise) of any role, of role admin or owner, or the
// owner alone (403 forbidden_role otherwise; a key acts as its person, a key of nobody as the
// owner); or Twilio with a valid X-Twilio-Signature over PUBLIC_BASE_URL + the request URI and
// the form body (403 otherwise). A write to a session or staff route that carries the session
// cookie or an Origin must come from the site's own pages (403 cross_origin; CSRF).
// docs/decisions.md, People and sign-in, has the table of who may do what.
enum class Auth { none, session, staff, admin, owner, twilio };

// What a route reads as its body: nothing, a JSON object (Context::json), form fields
// (Context::form; 415 for another content type for either), or its bytes as sent
// (Request::body: an upload, whose route checks what they are).
enum class Body { none, json, form, bytes };

// Values captured by "{name}" segments of a route pattern.
class RouteParams {
  public:
    void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
    const std::string& get(const std::string& name) const;
    // The parameter as a positive integer id; 400 invalid_id otherwise.
    int64_t id(const std::string& name) const;

  private:
    std::map<std::string, std::string> values_;
};

struct Context {
    const Request& request;
    const RouteParams& params;
    const Config& config;
    Db& db;
    // On Auth::staff routes, who is calling: the staff key's name, or the signed-in person's
    // name (and `person` is set).
    std::string staff;
    std::optional<people::Person> person;
    nlohmann::json json;  // the body, on Body::json routes
    Form form;            // the body, on Body::form routes
};

using HandlerFn = Response (*)(Context&);

struct Route {
    std::string_view method;
    std::string_view pattern;  // "/api/crm/contacts/{id}": "{name}" matches one path segment
    HandlerFn handler;
    Auth auth;
    Body body = Body::none;
    size_t max_body = kMaxBodyBytes;
};

struct RouteMatch {
    const Route* route;
    RouteParams params;
};

// The route for this method and path, a GET route for HEAD; a path that a pattern without
// "{name}" matches exactly is matched by such patterns alone. Throws 404 when no pattern matches
// the path and 405, with an Allow header (HEAD wherever GET), when patterns match but none for
// this method.
RouteMatch match_route(std::span<const Route> routes, std::string_view method,
                       std::string_view path);

}  // namespace textus
