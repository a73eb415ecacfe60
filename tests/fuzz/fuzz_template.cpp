// Message templates on any bytes: a body either names an unknown variable (refused) or renders;
// rendered with values that are no variable, nothing of a variable is left; rendered with no
// values, it is no longer than the body and holds no more doubled spaces; a body without
// variables renders as itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/error.h"
#include "common/core/template.h"

namespace {

size_t doubled_spaces(std::string_view s) {
    size_t count = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) count += s[i] == ' ' && s[i + 1] == ' ';
    return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus::templates;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> used;
    try {
        used = variables(body);
    } catch (const textus::HttpError& error) {
        if (error.code != "unknown_variable" || error.status != 400) std::abort();
        return 0;
    }
    const auto filled = render(body, {"-", "-", "-", "-"});
    try {
        if (!variables(filled).empty()) std::abort();
    } catch (const textus::HttpError&) {
        std::abort();  // "-" can open no variable, so none can be left or made
    }
    const auto empty = render(body, {});
    if (empty.size() > body.size()) std::abort();
    if (doubled_spaces(empty) > doubled_spaces(body)) std::abort();
    if (used.empty() && (filled != body || empty != body)) std::abort();
    return 0;
}
