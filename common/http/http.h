// One request type and one response type for every handler, whether the process runs under
// FastCGI or as a single CGI request (server.cpp builds both from the CGI environment).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace textus {

// A query string or form body: every name=value pair in the order sent, repeated names kept
// (a Twilio signature covers them all).
class Form {
  public:
    void add(std::string name, std::string value);
    // The first value of `name`, or nullptr. Not of a temporary (request.query().get(...)):
    // the pointer would outlive what it points into.
    const std::string* get(std::string_view name) const&;
    const std::string* get(std::string_view name) const&& = delete;
    const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }

  private:
    std::vector<std::pair<std::string, std::string>> pairs_;
};

struct Request {
    std::string method;
    std::string path;  // decoded, without the query string
    std::string uri;   // as the client sent it, path and query (REQUEST_URI)
    std::string query_string;
    std::string content_type;
    std::string remote_addr;
    std::string request_id;                      // nginx's $request_id, for the logs
    std::map<std::string, std::string> headers;  // lower-case names, e.g. "authorization"
    std::string content_length;                  // CONTENT_LENGTH as sent; read_body checks it
    std::string body;

    // The header's value, or "" when absent.
    const std::string& header(const std::string& lower_case_name) const;
    // The query string's parameters; 400 invalid_query as parse_form.
    Form query() const;
};

// The query parameter `name` as a whole number from `min` to `max`, `fallback` when absent or
// empty; 400 invalid_query naming it otherwise.
int64_t query_integer(const Form& query, const char* name, int64_t min, int64_t max,
                      int64_t fallback);

// Writes a piece of a streamed body; false once the client is gone (stop writing).
using BodyWriter = std::function<bool(std::string_view)>;

struct Response {
    int status = 200;
    std::string content_type = "application/json; charset=utf-8";  // "" sends none (204)
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // A body too large to hold (an export): written after the headers, piece by piece, by the
    // serve loop's call of this, instead of `body`. The status and headers are sent before it
    // runs, so a failure midway can only cut the body short (and is logged).
    std::function<void(const BodyWriter&)> stream;

    static Response json(int status, const nlohmann::json& body);
    // A non-JSON answer, e.g. TwiML as "text/xml".
    static Response text(int status, std::string content_type, std::string body);
    static Response no_content();
};

// Largest request body a route reads unless its Route says otherwise; a larger one is refused
// with 413 unread.
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

// Builds a request, all but its body, from CGI variables ("NAME=value", null-terminated
// array: FastCGI's envp or a CGI process's environ). Never throws for bad input.
Request read_request(const char* const* envp);

// Reads the request's CONTENT_LENGTH bytes of body through `read` (fills up to n bytes,
// returns how many, 0 at the end). Throws HttpError 400 when CONTENT_LENGTH is not a plain
// decimal number and 413 when the body would exceed `max_body`, before reading.
void read_body(Request& request, const std::function<size_t(char*, size_t)>& read,
               size_t max_body = kMaxBodyBytes);

// "Status: 201 Created\r\nContent-Type: ...\r\n\r\n<body>" as FastCGI and CGI expect.
std::string serialize(const Response& response);

// True when `name: value` can be written as a header: a token name, a value without CR, LF or
// NUL (a value built from input could otherwise inject headers).
bool valid_header(std::string_view name, std::string_view value);

// application/x-www-form-urlencoded (also query strings). Throws 400 `error_code` naming the
// parameter when a decoded name or value is not valid UTF-8 or holds a NUL.
Form parse_form(std::string_view encoded, std::string_view error_code = "invalid_query");
std::string url_decode(std::string_view encoded);

// True when the content type is `media_type` ("application/json"), in any case, with at most a
// UTF-8 charset parameter: "application/json ; charset=UTF-8" is one.
bool has_media_type(std::string_view content_type, std::string_view media_type);

// The body as a JSON object: 415 unless the content type is JSON, 400 unless it parses to
// an object.
nlohmann::json json_body(const Request& request);

// The body as form fields: 415 unless application/x-www-form-urlencoded, 400 invalid_form for
// a name or value that is not UTF-8 text.
Form form_body(const Request& request);

}  // namespace textus
