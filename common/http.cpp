#include "common/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/error.h"

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

}  // namespace

const std::string& Request::header(const std::string& lower_case_name) const {
    static const std::string absent;
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? absent : it->second;
}

Form Request::query() const {
    return parse_form(query_string);
}

Response Response::json(int status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    // Replace invalid UTF-8 rather than throw: an answer must always render.
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
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
    const auto length = get("CONTENT_LENGTH");
    std::from_chars(length.data(), length.data() + length.size(), request.content_length);
    return request;
}

void read_body(Request& request, size_t content_length,
               const std::function<size_t(char*, size_t)>& read, size_t max_body) {
    if (content_length > max_body) {
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
    out += "Content-Type: " + response.content_type + "\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += response.body;
    return out;
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

Form parse_form(std::string_view encoded) {
    Form form;
    while (!encoded.empty()) {
        const auto amp = encoded.find('&');
        const auto pair = encoded.substr(0, amp);
        encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = url_decode(pair.substr(0, eq));
        auto value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
        form.emplace(std::move(name), std::move(value));
    }
    return form;
}

nlohmann::json json_body(const Request& request) {
    const auto type = lower(request.content_type);
    const auto media_type = std::string_view(type).substr(0, type.find(';'));
    if (media_type != "application/json") {
        throw HttpError(415, "unsupported_media_type", "Send the body as application/json");
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) throw bad_request("invalid_json", "Request body is not valid JSON");
    if (!body.is_object()) throw bad_request("invalid_json", "Request body must be a JSON object");
    return body;
}

}  // namespace textus
