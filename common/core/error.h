// The one error type. Anything a request can fail with is an HttpError (or becomes one in
// server.cpp's error mapping), rendered as contract.md §4's JSON error body with its status.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace textus {

class HttpError : public std::runtime_error {
  public:
    HttpError(int status, std::string code, std::string message, std::string field = {})
        : std::runtime_error(std::move(message)),
          status(status),
          code(std::move(code)),
          field(std::move(field)) {}

    int status;
    std::string code;   // machine-readable, e.g. "invalid_phone"
    std::string field;  // the request field at fault, or empty
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Allow, WWW-Authenticate
};

inline HttpError bad_request(std::string code, std::string message, std::string field = {}) {
    return HttpError(400, std::move(code), std::move(message), std::move(field));
}

inline HttpError not_found(std::string message) {
    return HttpError(404, "not_found", std::move(message));
}

inline HttpError conflict(std::string code, std::string message, std::string field = {}) {
    return HttpError(409, std::move(code), std::move(message), std::move(field));
}

// What a log line may say of `error`: an HttpError's code, else only that the database (or
// whatever else threw) refused; an SQL error's own text can quote the row it refused.
inline std::string log_code(const std::exception& error) {
    const auto* http = dynamic_cast<const HttpError*>(&error);
    return http ? http->code : "database_error";
}

inline HttpError database_unavailable() {
    return HttpError(503, "database_unavailable", "The database is unreachable; try again shortly");
}

inline HttpError database_timeout() {
    return HttpError(503, "database_timeout", "The database did not answer in time; try again");
}

}  // namespace textus
