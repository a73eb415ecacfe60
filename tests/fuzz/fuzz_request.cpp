// The CGI environment: read_request, then what the server reads from it
// (query, staff key, body).
// The input is CGI variables one per line ("NAME=value"), then an empty line and the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/error.h"
#include "common/http/auth.h"
#include "common/http/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> variables;
    while (!input.empty()) {
        const auto newline = input.find('\n');
        const auto line = input.substr(0, newline);
        input = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
        if (line.empty()) break;
        variables.emplace_back(line);  // a NUL inside ends the variable, as in a real envp
    }
    std::vector<const char*> envp;
    for (const auto& variable : variables) envp.push_back(variable.c_str());
    envp.push_back(nullptr);

    using namespace textus;
    try {
        auto request = read_request(envp.data());
        request.query();
        auth::bearer_token(request.header("authorization"));
        // The body arrives in pieces of at most 7 bytes, like a slow client's.
        read_body(request, [&](char* out, size_t n) {
            n = input.copy(out, std::min(n, size_t{7}));
            input.remove_prefix(n);
            return n;
        });
    } catch (const HttpError&) {
        // Refusing bad input is the expected outcome; any other exception is a finding.
    }
    return 0;
}
