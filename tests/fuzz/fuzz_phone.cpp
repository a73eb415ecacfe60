// Phone numbers as people type them, read in a few default regions.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/core/phone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const char* region : {"US", "GB", "DE", "BR"}) {
        const auto parsed = phone::parse(input, region);
        // Either a number or the reason there is none, for the person who typed it.
        if (parsed.e164.has_value() != parsed.problem.empty()) std::abort();
        if (!parsed.e164) continue;
        // E.164 is what is stored and compared: '+' and digits, and it reads back as itself.
        const auto& e164 = *parsed.e164;
        if (e164[0] != '+' || phone::digits(e164).size() + 1 != e164.size() ||
            phone::parse(e164, region).e164 != e164) {
            std::abort();
        }
    }
    return 0;
}
