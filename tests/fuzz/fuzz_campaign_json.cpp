// JSON bodies through the campaign and preview parsers (parse_write, parse_preview): either a
// 400-class refusal or a campaign that holds up: a name, one kind of text, one kind of
// audience with ids sorted, positive and each once, and a digest that does not depend on how
// the ids were listed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/core/error.h"
#include "common/outreach/campaign.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus;
    const auto body = nlohmann::json::parse(data, data + size, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return 0;
    try {
        const auto write = campaign::parse_write(body, "");
        const auto& ids = write.audience.contact_ids;
        if (write.name.empty() || write.text.body.empty() == !write.text.template_id ||
            ids.empty() == !write.audience.filter || !std::is_sorted(ids.begin(), ids.end()) ||
            std::adjacent_find(ids.begin(), ids.end()) != ids.end() ||
            std::any_of(ids.begin(), ids.end(), [](int64_t id) { return id <= 0; })) {
            std::abort();
        }
        auto reversed = body;
        if (auto it = reversed.find("contactIds"); it != reversed.end() && it->is_array()) {
            std::reverse(it->begin(), it->end());
        }
        if (campaign::parse_write(reversed, "").digest() != write.digest()) std::abort();
    } catch (const HttpError& error) {
        if (error.status != 400) std::abort();
    }
    try {
        campaign::parse_preview(body);
    } catch (const HttpError& error) {
        if (error.status != 400) std::abort();
    }
    return 0;
}
