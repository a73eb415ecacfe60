#include "common/http/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/core/error.h"
#include "common/core/text.h"

namespace textus {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

void Form::add(std::string name, std::string value) {
    pairs_.emplace_back(std::move(name), std::move(value));
}

const std::string* Form::get(std::string_view name) const& {
    for (const auto& [n, v] : pairs_) {
        if (n == name) return &v;
    }
    return nullptr;
}

const std::string& Request::header(const std::string& lower_case_name) const {
    static const std::string absent;
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? absent : it->second;
}

Form Request::query() const {
    return parse_form(query_string, "invalid_query");
}

int64_t query_integer(const Form& query, const char* name, int64_t min, int64_t max,
                      int64_t fallback) {
    const auto* text = query.get(name);
    if (!text || text->empty()) return fallback;
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
        throw bad_request("invalid_query",
                          std::string(name) + " must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max),
                          name);
    }
    return value;
}

Response Response::json(int status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    // Replace invalid UTF-8 rather than throw: an answer must always render.
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

Response Response::text(int status, std::string content_type, std::string body) {
    Response response;
    response.status = status;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    return response;
}

Response Response::no_content() {
    return text(204, "", "");
}

Request read_request(const char* const* envp) {
    std::map<std::string_view, std::string_view> env;
    for (auto p = envp; p && *p; ++p) {
        const std::string_view entry(*p);
        const auto eq = entry.find('=');
        if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    const auto get = [&](std::string_view name) -> std::string {
        const auto it = env.find(name);
        return it == env.end() ? std::string() : std::string(it->second);
    };

    Request request;
    request.method = get("REQUEST_METHOD");
    // nginx gives the decoded, normalised path as DOCUMENT_URI; other CGI servers give the
    // URI as the client sent it.
    request.path = get("DOCUMENT_URI");
    if (request.path.empty()) {
        const auto uri = get("REQUEST_URI");
        request.path = url_decode(std::string_view(uri).substr(0, uri.find('?')));
    }
    request.uri = get("REQUEST_URI");
    request.query_string = get("QUERY_STRING");
    request.content_type = get("CONTENT_TYPE");
    request.remote_addr = get("REMOTE_ADDR");
    request.request_id = get("REQUEST_ID");
    for (const auto& [name, value] : env) {
        if (!name.starts_with("HTTP_")) continue;
        std::string header = lower(name.substr(5));
        std::replace(header.begin(), header.end(), '_', '-');
        request.headers.emplace(std::move(header), value);
    }
    request.content_length = get("CONTENT_LENGTH");
    return request;
}

void read_body(Request& request, const std::function<size_t(char*, size_t)>& read,
               size_t max_body) {
    const auto& length = request.content_length;
    size_t content_length = 0;
    if (length.find_first_not_of("0123456789") != std::string::npos) {
        throw bad_request("invalid_content_length", "Content-Length must be a decimal number");
    }
    const auto [end, error] =
        std::from_chars(length.data(), length.data() + length.size(), content_length);
    if (error == std::errc::result_out_of_range || content_length > max_body) {
        throw HttpError(413, "payload_too_large",
                        "Request body is larger than " + std::to_string(max_body / 1024) + " KiB");
    }
    request.body.resize(content_length);
    size_t filled = 0;
    while (filled < content_length) {
        const size_t n = read(request.body.data() + filled, content_length - filled);
        if (n == 0) break;
        filled += n;
    }
    request.body.resize(filled);
}

std::string serialize(const Response& response) {
    std::string out = "Status: " + std::to_string(response.status) + " " +
                      reason_phrase(response.status) + "\r\n";
    if (!response.content_type.empty()) out += "Content-Type: " + response.content_type + "\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += response.body;
    return out;
}

bool valid_header(std::string_view name, std::string_view value) {
    if (name.empty()) return false;
    for (const char c : name) {
        const bool token = std::isalnum(static_cast<unsigned char>(c)) ||
                           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!token) return false;
    }
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string url_decode(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size());
    for (size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 &&
                   hex_value(encoded[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

Form parse_form(std::string_view encoded, std::string_view error_code) {
    Form form;
    while (!encoded.empty()) {
        const auto amp = encoded.find('&');
        const auto pair = encoded.substr(0, amp);
        encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = url_decode(pair.substr(0, eq));
        auto value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
        for (const auto* text : {&name, &value}) {
            if (!text::valid_utf8(*text) || text->find('\0') != std::string::npos) {
                // The name is shown only when it is itself printable text.
                const bool printable = text::valid_utf8(name) && !text::has_control(name, false);
                throw bad_request(std::string(error_code),
                                  (printable ? "Parameter " + name : std::string("A parameter")) +
                                      " must be UTF-8 text without NUL characters",
                                  printable ? name : std::string());
            }
        }
        form.add(std::move(name), std::move(value));
    }
    return form;
}

bool has_media_type(std::string_view content_type, std::string_view media_type) {
    const auto semicolon = content_type.find(';');
    if (lower(trim_spaces(content_type.substr(0, semicolon))) != media_type) return false;
    if (semicolon == std::string_view::npos) return true;
    // Only a charset parameter, and only UTF-8: anything else would be read wrongly.
    const auto parameter = lower(trim_spaces(content_type.substr(semicolon + 1)));
    return parameter.empty() || parameter == "charset=utf-8" || parameter == "charset=\"utf-8\"";
}

nlohmann::json json_body(const Request& request) {
    if (!has_media_type(request.content_type, "application/json")) {
        throw HttpError(415, "unsupported_media_type", "Send the body as application/json");
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) throw bad_request("invalid_json", "Request body is not valid JSON");
    if (!body.is_object()) throw bad_request("invalid_json", "Request body must be a JSON object");
    return body;
}

Form form_body(const Request& request) {
    if (!has_media_type(request.content_type, "application/x-www-form-urlencoded")) {
        throw HttpError(415, "unsupported_media_type",
                        "Send the body as application/x-www-form-urlencoded");
    }
    return parse_form(request.body, "invalid_form");
}

}  // namespace textus
