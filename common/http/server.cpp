#include "common/http/server.h"

#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "common/core/config.h"
#include "common/core/error.h"
#include "common/core/idle_exit.h"
#include "common/core/log.h"
#include "common/db/db.h"
#include "common/http/auth.h"
#include "common/http/health.h"
#include "common/http/sessions.h"

extern char** environ;

namespace textus {

namespace {

// Answers one request; sets `route` to the matched pattern for the log line.
using Responder = std::function<Response(Request&, const BodyReader&, std::string_view& route)>;

HttpError unauthorized() {
    HttpError error(401, "unauthorized",
                    "Sign in, or send a staff key: Authorization: Bearer <key>");
    error.headers.emplace_back("WWW-Authenticate", "Bearer");
    return error;
}

bool is_write(std::string_view method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// A staff key when the request has an Authorization header, else a session cookie.
void authenticate_staff(Context& context) {
    const auto& request = context.request;
    if (!request.header("authorization").empty()) {
        const auto token = auth::bearer_token(request.header("authorization"));
        if (!token) throw unauthorized();
        auto holder = context.db.transact([&](Tx& tx) { return auth::authenticate(tx, *token); });
        if (!holder) throw unauthorized();
        // A person's key acts as them: their name on what it does, their role on what it may.
        context.staff = holder->person ? holder->person->name : holder->key_name;
        context.person = std::move(holder->person);
        return;
    }
    const auto token = sessions::token_in(request.header("cookie"));
    if (!token) throw unauthorized();
    auto person = context.db.transact([&](Tx& tx) { return sessions::authenticate(tx, *token); });
    if (!person) throw unauthorized();
    context.staff = person->name;
    context.person = std::move(person);
}

// Checks who may call a route that needs `auth` (Twilio's signature aside: it covers the form,
// read after this).
void authorize(Context& context, Auth auth) {
    if (auth == Auth::none || auth == Auth::twilio) return;
    if (is_write(context.request.method)) {
        sessions::check_origin(context.request, context.config.public_base_url);
    }
    if (auth == Auth::session) return;
    authenticate_staff(context);
    const auto role = context.person ? context.person->role : people::Role::owner;
    if (auth == Auth::admin && role == people::Role::agent) {
        throw HttpError(403, "forbidden_role", "This needs an admin or the owner");
    }
    if (auth == Auth::owner && role != people::Role::owner) {
        throw HttpError(403, "forbidden_role", "This needs the owner");
    }
}

// A header built from a bad value must not split the answer: refuse it as our own error.
void check_headers(const Response& response) {
    if (!valid_header("Content-Type", response.content_type)) {
        throw std::logic_error("answer has an invalid Content-Type");
    }
    for (const auto& [name, value] : response.headers) {
        if (!valid_header(name, value)) throw std::logic_error("answer has an invalid header");
    }
}

void log_request(const Request& request, std::string_view route, int status,
                 std::chrono::steady_clock::time_point start, bool delivered) {
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    const auto rid = request.request_id.empty() ? "-" : request.request_id;
    if (delivered) {
        spdlog::info("{} {} {} {:.2f}ms rid={}", request.method, route, status, took.count(), rid);
    } else {
        spdlog::warn("{} {} {} {:.2f}ms rid={} answer not delivered: the connection was closed",
                     request.method, route, status, took.count(), rid);
    }
}

// Every answer of this API is private and current unless its route says how it may be kept (a
// stored picture never changes); a HEAD's is GET's without the body.
void finish(const Request& request, Response& response) {
    const bool kept = std::any_of(response.headers.begin(), response.headers.end(),
                                  [](const auto& h) { return h.first == "Cache-Control"; });
    if (!kept) response.headers.emplace_back("Cache-Control", "no-store");
    if (request.method == "HEAD") response.body.clear();
}

// A streamed body after the headers (Response::stream), unless the client is gone already or
// asked with HEAD; whether the client is still there. A failure midway cuts the body short:
// the status went with the headers, so the log says so.
bool write_stream(const Request& request, const Response& response, bool delivered,
                  const BodyWriter& write) {
    if (!response.stream || !delivered || request.method == "HEAD") return delivered;
    bool open = true;
    try {
        response.stream([&](std::string_view piece) { return open = open && write(piece); });
    } catch (const std::exception& error) {
        spdlog::error("{} {}: the body was cut short ({})", request.method, request.path,
                      log_code(error));
        return false;
    }
    return open;
}

int serve_cgi(const Responder& respond_to) {
    const auto start = std::chrono::steady_clock::now();
    auto request = read_request(environ);
    std::string_view route = "-";
    auto response = respond_to(
        request, [](char* buffer, size_t n) { return std::fread(buffer, 1, n, stdin); }, route);
    finish(request, response);
    const auto out = serialize(response);
    bool delivered = std::fwrite(out.data(), 1, out.size(), stdout) == out.size();
    delivered = write_stream(request, response, delivered, [](std::string_view piece) {
        return std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size();
    });
    delivered = delivered && std::fflush(stdout) == 0;
    log_request(request, route, response.status, start, delivered);
    return 0;
}

// Idle exit (TEXTUS_IDLE_EXIT; docs/decisions.md, Scale to zero). Each process waits for a
// connection in ppoll() on the listening socket (fd 0), the only place it takes USR1
// (multiwatch's "finish, then exit") and TERM: a process that took a connection answers it
// before it exits, and one that waits exits at once.
volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int) {
    stop_requested = 1;
}

// Holds USR1 and TERM from here on (for every thread started later too); returns the mask that
// lets them through, for the wait.
sigset_t hold_stop_signals() {
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    // In place of libfcgi's USR1 handler (FCGX_IsCGI ran FCGX_Init), which only ends accept().
    sigaction(SIGUSR1, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    sigset_t stop, open;
    sigemptyset(&stop);
    sigaddset(&stop, SIGUSR1);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, &open);
    sigdelset(&open, SIGUSR1);
    sigdelset(&open, SIGTERM);
    return open;
}

// Every idle process wakes for one connection and one takes it: the others must get EAGAIN
// rather than block in accept(), where they could not exit. The listening socket is shared with
// its holder (systemd keeps it across starts), so every start sets it its own way.
void set_listener_blocking(bool blocking) {
    const int flags = fcntl(0, F_GETFL);
    if (flags >= 0) fcntl(0, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
}

enum class Wake { connection, idle, stop };

// Waits for a connection on the listening socket until `deadline` (none: for ever).
Wake wait_for_connection(const sigset_t& open,
                         std::optional<std::chrono::steady_clock::time_point> deadline) {
    pollfd listener{0, POLLIN, 0};
    for (;;) {
        timespec timeout{};
        if (deadline) {
            const auto left = std::max(*deadline - std::chrono::steady_clock::now(),
                                       std::chrono::steady_clock::duration::zero());
            const auto s = std::chrono::duration_cast<std::chrono::seconds>(left);
            timeout.tv_sec = s.count();
            timeout.tv_nsec = std::chrono::nanoseconds(left - s).count();
        }
        const int ready = ppoll(&listener, 1, deadline ? &timeout : nullptr, &open);
        if (stop_requested) return Wake::stop;
        if (ready > 0) {
            // A stop signal that came with the connection stays pending (ppoll delivers it
            // only when it returns EINTR): stop all the same, or a stream of connections
            // would keep a stopping process for ever. The connection waits for the next start.
            sigset_t pending;
            sigpending(&pending);
            if (sigismember(&pending, SIGUSR1) || sigismember(&pending, SIGTERM)) {
                return Wake::stop;
            }
            return Wake::connection;
        }
        if (ready == 0) return Wake::idle;
        if (errno != EINTR) {
            spdlog::critical("waiting for a connection failed: errno {}", errno);
            return Wake::stop;
        }
    }
}

// The whole service ends, not this process alone: multiwatch would start it again. Its parent
// leading its process group is multiwatch as systemd (or a socket holder) starts it: USR1 asks
// it to stop as systemctl stop's TERM does, passing USR1 on to every process. USR1, because
// several processes may time out together and multiwatch passes a second signal on as it is.
// Returns false when there is nobody to ask: the process is the service and exits itself.
bool stop_service() {
    const pid_t parent = getppid();
    return parent == getpgrp() && parent > 1 && kill(parent, SIGUSR1) == 0;
}

void answer(FCGX_Request& raw, const Responder& respond_to) {
    const auto start = std::chrono::steady_clock::now();
    auto request = read_request(raw.envp);
    std::string_view route = "-";
    auto response = respond_to(
        request,
        [&](char* buffer, size_t n) {
            const int got = FCGX_GetStr(buffer, static_cast<int>(n), raw.in);
            return got > 0 ? static_cast<size_t>(got) : 0;
        },
        route);
    finish(request, response);
    const auto out = serialize(response);
    const auto put = [&](std::string_view piece) {
        return FCGX_PutStr(piece.data(), static_cast<int>(piece.size()), raw.out) ==
               static_cast<int>(piece.size());
    };
    bool delivered = put(out);
    delivered = write_stream(request, response, delivered, put);
    delivered = delivered && FCGX_FFlush(raw.out) == 0;
    FCGX_Finish_r(&raw);
    log_request(request, route, response.status, start, delivered);
}

// `idle`: 0 serves until a signal ends the process (libfcgi's USR1: finish, then exit).
int serve_fastcgi(const Responder& respond_to, std::chrono::seconds idle) {
    const bool idle_exit = idle.count() > 0;
    std::optional<sigset_t> open;
    if (idle_exit) open = hold_stop_signals();
    set_listener_blocking(!idle_exit);
    if (FCGX_Init() != 0) {
        spdlog::critical("FastCGI initialisation failed");
        return 1;
    }
    FCGX_Request raw;
    FCGX_InitRequest(&raw, 0, 0);
    auto deadline = std::chrono::steady_clock::now() + idle;
    bool stopping = false;
    for (;;) {
        if (idle_exit) {
            const auto wake =
                wait_for_connection(*open, stopping ? std::nullopt : std::optional(deadline));
            if (wake == Wake::stop) break;
            if (wake == Wake::idle) {
                spdlog::info("no connection for {} s: the service stops", idle.count());
                if (!stop_service()) break;
                // multiwatch's USR1 ends the wait; a connection that comes first is answered.
                stopping = true;
                continue;
            }
            deadline = std::chrono::steady_clock::now() + idle;
        }
        const int accepted = FCGX_Accept_r(&raw);
        // Only a non-blocking listener's: another process took the connection. Without idle
        // exit, libfcgi's own USR1 ends accept with -errno of whatever set errno last, often a
        // database socket's EAGAIN: that is the stop, and retrying it spun for ever.
        if (idle_exit && (accepted == -EAGAIN || accepted == -EWOULDBLOCK)) continue;
        if (accepted < 0) break;
        answer(raw, respond_to);
        deadline = std::chrono::steady_clock::now() + idle;
    }
    return 0;
}

}  // namespace

Response respond(const Service& service, const Config& config, Db& db, Request& request,
                 const BodyReader& read, std::string_view& route_label) {
    try {
        const auto match = match_route(service.routes, request.method, request.path);
        const auto& route = *match.route;
        route_label = route.pattern;
        Context context{request, match.params, config, db, {}, {}, {}, {}};
        if (route.body != Body::none) read_body(request, read, route.max_body);
        authorize(context, route.auth);
        if (route.body == Body::json) context.json = json_body(request);
        if (route.body == Body::form) context.form = form_body(request);
        if (route.auth == Auth::twilio) {
            if (!service.check_signature) throw std::logic_error("a signed route without a check");
            service.check_signature(config, request, context.form);
        }
        auto response = route.handler(context);
        check_headers(response);
        return response;
    } catch (...) {
        return error_response();
    }
}

Response error_response() {
    try {
        throw;
    } catch (const HttpError& error) {
        if (error.status >= 500) spdlog::error("{}: {}", error.code, error.what());
        nlohmann::json body{{"code", error.code}, {"message", error.what()}};
        if (!error.field.empty()) body["field"] = error.field;
        auto response = Response::json(error.status, {{"success", false}, {"error", body}});
        response.headers = error.headers;
        return response;
    } catch (const pqxx::unique_violation&) {
        // A race the handler's own checks could not see, e.g. two writes of one phone.
        return error_response(409, "conflict",
                              "The change conflicts with another record; reload and try again");
    } catch (const pqxx::data_exception& error) {
        // SQLSTATE class 22: a value from the request that PostgreSQL cannot take. The
        // server's message can quote the value (personal data): log only the SQLSTATE.
        spdlog::warn("database refused a value: sqlstate {}", error.sqlstate());
        return error_response(400, "invalid_value",
                              "A value in the request is out of range or malformed");
    } catch (const pqxx::sql_error& error) {
        spdlog::error("database error: sqlstate {}", error.sqlstate());
    } catch (const pqxx::broken_connection&) {
        spdlog::error("database_unavailable: the connection was lost");
        return error_response(503, "database_unavailable",
                              "The database is unreachable; try again shortly");
    } catch (const std::exception& error) {
        spdlog::error("internal error: {}", error.what());
    } catch (...) {
        spdlog::error("internal error: unknown exception");
    }
    return error_response(500, "internal_error", "Something went wrong on our side; it is logged");
}

Response error_response(int status, std::string_view code, std::string_view message) {
    return Response::json(status,
                          {{"success", false}, {"error", {{"code", code}, {"message", message}}}});
}

int serve(const Service& service) {
    log::init(service.name, "info");
    std::signal(SIGPIPE, SIG_IGN);  // a client that hung up must not kill the process
    Config config;
    std::optional<Db> db;
    // Exiting on a bad configuration would only have the supervisor restart us in a loop
    // behind nginx's 502: stay up and say what is missing (names, never values).
    std::vector<std::string> config_problems;
    try {
        config = Config::load(std::getenv, service.required_config);
        spdlog::set_level(spdlog::level::from_str(config.log_level));
        db.emplace(config.database_url);
    } catch (const ConfigError& error) {
        config_problems = error.problems;
        for (const auto& problem : config_problems) spdlog::critical("configuration: {}", problem);
    }
    const Responder respond_to = [&](Request& request, const BodyReader& read,
                                     std::string_view& route) {
        if (health::is_health_path(service.name, request.path)) {
            route = "/api/health";
            if (request.method != "GET" && request.method != "HEAD") {
                auto response = error_response(
                    405, "method_not_allowed",
                    std::string(request.method) + " is not allowed here; allowed: GET, HEAD");
                response.headers.emplace_back("Allow", "GET, HEAD");
                return response;
            }
            std::function<nlohmann::json(Tx&)> report;
            if (service.report) report = [&](Tx& tx) { return service.report(tx, config); };
            return health::check(service.name, config_problems, db ? &*db : nullptr, report);
        }
        if (!config_problems.empty()) {
            std::string missing;
            for (const auto& problem : config_problems) {
                missing += (missing.empty() ? "" : "; ") + problem;
            }
            return error_response(503, "configuration_incomplete",
                                  "This service's configuration is incomplete: " + missing);
        }
        return respond(service, config, *db, request, read, route);
    };
    if (FCGX_IsCGI()) return serve_cgi(respond_to);
    // With its configuration incomplete a process stays up to say so (above), idle or not.
    const auto idle =
        config_problems.empty() ? *idle_exit::parse(config.idle_exit) : std::chrono::seconds(0);
    return serve_fastcgi(respond_to, idle);
}

}  // namespace textus
