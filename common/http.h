// One request type and one response type for every handler, whether the process runs under
// FastCGI or as a single CGI request (server.cpp builds both from the CGI environment).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace textus {

using Form = std::map<std::string, std::string>;

struct Request {
    std::string method;
    std::string path;  // decoded, without the query string
    std::string query_string;
    std::string content_type;
    std::string remote_addr;
    std::string request_id;                      // nginx's $request_id, for the logs
    std::map<std::string, std::string> headers;  // lower-case names, e.g. "authorization"
    size_t content_length = 0;
    std::string body;

    // The header's value, or "" when absent.
    const std::string& header(const std::string& lower_case_name) const;
    Form query() const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    static Response json(int status, const nlohmann::json& body);
};

// Largest request body any handler reads; a larger one is refused with 413 unread.
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

// Builds a request, all but its body, from CGI variables ("NAME=value", null-terminated
// array: FastCGI's envp or a CGI process's environ). Never throws for bad input.
Request read_request(const char* const* envp);

// Reads CONTENT_LENGTH bytes of body through `read` (fills up to n bytes, returns how many,
// 0 at the end). Throws HttpError 413 when the body would exceed `max_body`, before reading.
void read_body(Request& request, size_t content_length,
               const std::function<size_t(char*, size_t)>& read, size_t max_body = kMaxBodyBytes);

// "Status: 201 Created\r\nContent-Type: ...\r\n\r\n<body>" as FastCGI and CGI expect.
std::string serialize(const Response& response);

// application/x-www-form-urlencoded (also query strings); on a repeated name the first wins.
Form parse_form(std::string_view encoded);
std::string url_decode(std::string_view encoded);

// The body as a JSON object: 415 unless the content type is JSON, 400 unless it parses to
// an object.
nlohmann::json json_body(const Request& request);

}  // namespace textus
