#include "common/http/router.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "common/core/error.h"

namespace textus {

namespace {

std::string_view next_segment(std::string_view& path) {
    if (path.starts_with('/')) path.remove_prefix(1);
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    return segment;
}

std::optional<RouteParams> match_pattern(std::string_view pattern, std::string_view path) {
    // "/a/b/" is "/a/b".
    if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
    RouteParams params;
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty()) return std::nullopt;
        const auto want = next_segment(pattern);
        const auto got = next_segment(path);
        if (want.starts_with('{') && want.ends_with('}')) {
            if (got.empty()) return std::nullopt;
            params.set(std::string(want.substr(1, want.size() - 2)), std::string(got));
        } else if (want != got) {
            return std::nullopt;
        }
    }
    return params;
}

}  // namespace

const std::string& RouteParams::get(const std::string& name) const {
    static const std::string absent;
    const auto it = values_.find(name);
    return it == values_.end() ? absent : it->second;
}

int64_t RouteParams::id(const std::string& name) const {
    const auto& text = get(name);
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
        throw bad_request("invalid_id", "The " + name + " in the path must be a positive integer",
                          name);
    }
    return value;
}

RouteMatch match_route(std::span<const Route> routes, std::string_view method,
                       std::string_view path) {
    // HEAD is GET's answer without its body (the serve loop drops the body): a GET route
    // answers it, and Allow names it wherever GET is.
    const auto wanted = method == "HEAD" ? std::string_view("GET") : method;
    std::vector<std::string_view> methods;
    const auto allow_method = [&](std::string_view m) {
        if (std::find(methods.begin(), methods.end(), m) == methods.end()) methods.push_back(m);
    };
    // A path a literal pattern names is that pattern's alone: /contacts/export is no contact id.
    const bool literal = std::any_of(routes.begin(), routes.end(), [&](const Route& route) {
        return route.pattern.find('{') == std::string_view::npos &&
               match_pattern(route.pattern, path).has_value();
    });
    for (const auto& route : routes) {
        if (literal && route.pattern.find('{') != std::string_view::npos) continue;
        auto params = match_pattern(route.pattern, path);
        if (!params) continue;
        if (route.method == wanted) return {&route, std::move(*params)};
        allow_method(route.method);
        if (route.method == "GET") allow_method("HEAD");
    }
    if (methods.empty()) throw not_found("No such route");
    std::string allow;
    for (const auto m : methods) allow += (allow.empty() ? "" : ", ") + std::string(m);
    HttpError error(405, "method_not_allowed",
                    std::string(method) + " is not allowed here; allowed: " + allow);
    error.headers.emplace_back("Allow", allow);
    throw error;
}

}  // namespace textus
