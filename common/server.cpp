#include "common/server.h"

#include <fcgiapp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "common/auth.h"
#include "common/config.h"
#include "common/db.h"
#include "common/error.h"
#include "common/log.h"

extern char** environ;

namespace textus {

namespace {

using BodyReader = std::function<size_t(char*, size_t)>;

HttpError unauthorized() {
    HttpError error(401, "unauthorized",
                    "A valid staff key is required: Authorization: Bearer <key>");
    error.headers.emplace_back("WWW-Authenticate", "Bearer");
    return error;
}

std::string authenticate_staff(Db& db, const Request& request) {
    const auto token = auth::bearer_token(request.header("authorization"));
    if (!token) throw unauthorized();
    auto name = db.transact([&](Tx& tx) { return auth::authenticate(tx, *token); });
    if (!name) throw unauthorized();
    return *name;
}

// Everything that happens between reading the request line and writing the answer.
Response respond(const Service& service, const Config& config, Db& db, Request& request,
                 const BodyReader& read, std::string_view& route_label) {
    try {
        const auto match = match_route(service.routes, request.method, request.path);
        route_label = match.route->pattern;
        Context context{request, match.params, config, db, {}};
        if (match.route->auth == Auth::staff) context.staff_key = authenticate_staff(db, request);
        read_body(request, request.content_length, read);
        return match.route->handler(context);
    } catch (...) {
        return error_response();
    }
}

void log_request(const Request& request, std::string_view route, int status,
                 std::chrono::steady_clock::time_point start) {
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    spdlog::info("{} {} {} {:.2f}ms rid={}", request.method, route, status, took.count(),
                 request.request_id.empty() ? "-" : request.request_id);
}

int serve_cgi(const Service& service, const Config& config, Db& db) {
    const auto start = std::chrono::steady_clock::now();
    auto request = read_request(environ);
    std::string_view route = "-";
    const auto response = respond(
        service, config, db, request,
        [](char* buffer, size_t n) { return std::fread(buffer, 1, n, stdin); }, route);
    const auto out = serialize(response);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    log_request(request, route, response.status, start);
    return 0;
}

int serve_fastcgi(const Service& service, const Config& config, Db& db) {
    if (FCGX_Init() != 0) {
        spdlog::critical("FastCGI initialisation failed");
        return 1;
    }
    FCGX_Request raw;
    FCGX_InitRequest(&raw, 0, 0);
    while (FCGX_Accept_r(&raw) >= 0) {
        const auto start = std::chrono::steady_clock::now();
        auto request = read_request(raw.envp);
        std::string_view route = "-";
        const auto response = respond(
            service, config, db, request,
            [&](char* buffer, size_t n) {
                const int got = FCGX_GetStr(buffer, static_cast<int>(n), raw.in);
                return got > 0 ? static_cast<size_t>(got) : 0;
            },
            route);
        const auto out = serialize(response);
        FCGX_PutStr(out.data(), static_cast<int>(out.size()), raw.out);
        FCGX_Finish_r(&raw);
        log_request(request, route, response.status, start);
    }
    return 0;
}

}  // namespace

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
        return Response::json(409, {{"success", false},
                                    {"error",
                                     {{"code", "conflict"},
                                      {"message",
                                       "The change conflicts with another record; "
                                       "reload and try again"}}}});
    } catch (const pqxx::sql_error& error) {
        // The server's message can quote values (personal data): log only the SQLSTATE.
        spdlog::error("database error: sqlstate {}", error.sqlstate());
    } catch (const std::exception& error) {
        spdlog::error("internal error: {}", error.what());
    } catch (...) {
        spdlog::error("internal error: unknown exception");
    }
    return Response::json(500, {{"success", false},
                                {"error",
                                 {{"code", "internal_error"},
                                  {"message", "Something went wrong on our side; it is logged"}}}});
}

int serve(const Service& service) {
    log::init(service.name, "info");
    std::signal(SIGPIPE, SIG_IGN);  // a client that hung up must not kill the process
    Config config;
    try {
        config = Config::load(std::getenv, service.required_config);
    } catch (const ConfigError& error) {
        for (const auto& problem : error.problems) spdlog::critical("configuration: {}", problem);
        return 2;
    }
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    Db db(config.database_url);
    return FCGX_IsCGI() ? serve_cgi(service, config, db) : serve_fastcgi(service, config, db);
}

}  // namespace textus
