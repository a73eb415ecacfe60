// How a unit test reads a refusal: what `f` threw, as "code field: message" ("code : message"
// without a field), or "no error".
#pragma once

#include <functional>
#include <string>

#include "common/core/error.h"

namespace textus::test {

inline std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e.code + " " + e.field + ": " + e.what();
    }
    return "no error";
}

}  // namespace textus::test
