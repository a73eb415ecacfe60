// Query strings and form bodies: parse_form and url_decode on any bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/core/error.h"
#include "common/http/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        // Every escape or '+' decodes to one byte and anything else to itself, so decoding
        // never lengthens its input; a longer result means it read past what it was given.
        if (textus::url_decode(input).size() > input.size()) std::abort();
        // Named: in a range-for over parse_form(input).pairs() the temporary Form would be
        // destroyed before the loop body runs (C++20 extends no temporary but the range's own).
        const auto form = textus::parse_form(input);
        for (const auto& [name, value] : form.pairs()) {
            if (name.size() + value.size() > input.size()) std::abort();
        }
    } catch (const textus::HttpError&) {
        // Refusing bad input is the expected outcome; any other exception is a finding.
    }
    return 0;
}
