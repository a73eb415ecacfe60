#include "common/media/media.h"

#include <algorithm>
#include <array>

#include "common/core/error.h"
#include "common/live/live.h"

namespace textus::media {

namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::vector<Item> items_from_json(const json& array) {
    std::vector<Item> items;
    if (!array.is_array()) return items;
    for (const auto& j : array) {
        Item item;
        item.id = j.value("id", int64_t{0});
        item.name = j.value("name", "");
        item.content_type = j.value("contentType", "");
        item.state = j.value("state", "");
        if (j.contains("bytes") && j["bytes"].is_number()) item.bytes = j["bytes"].get<int64_t>();
        if (j.contains("error") && j["error"].is_string())
            item.error = j["error"].get<std::string>();
        item.fetched = j.value("fetched", false);
        item.version = j.value("version", int64_t{0});
        items.push_back(std::move(item));
    }
    return items;
}

std::string staff_url(int64_t id) {
    return "/api/crm/sms/media/" + std::to_string(id);
}

json to_json(const Item& item) {
    return {{"id", item.id},
            {"url", staff_url(item.id)},
            {"contentType", item.content_type},
            {"state", item.state},
            {"bytes", item.bytes ? json(*item.bytes) : json(nullptr)},
            {"error", item.error ? json(*item.error) : json(nullptr)},
            {"version", item.version}};
}

std::string public_url(std::string_view base, std::string_view name, int64_t expires,
                       std::string_view secret) {
    if (base.ends_with('/')) base.remove_suffix(1);
    const auto resource = "media-" + std::string(name);
    return std::string(base) + "/media/" + std::string(name) + "?e=" + std::to_string(expires) +
           "&s=" + live::signature(resource, expires, secret);
}

std::optional<std::string> sniff_picture(std::string_view b) {
    if (b.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
    if (b.starts_with("\x89PNG\r\n\x1A\n")) return "image/png";
    if (b.starts_with("GIF87a") || b.starts_with("GIF89a")) return "image/gif";
    if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
    return std::nullopt;
}

Checked check_inbound(std::string_view declared, std::string_view bytes) {
    const auto type = lower(declared.substr(0, declared.find(';')));
    const auto picture = sniff_picture(bytes);
    if (type.starts_with("image/")) {
        if (picture) return {*picture, std::nullopt};
        return {type, "not a picture: its bytes are no JPEG, PNG, GIF or WebP"};
    }
    static constexpr std::array<std::string_view, 7> kKept = {
        "text/vcard", "text/x-vcard",    "text/calendar", "text/directory",
        "text/plain", "application/pdf", "text/csv"};
    const bool family = type.starts_with("audio/") || type.starts_with("video/");
    const bool listed = std::find(kKept.begin(), kKept.end(), type) != kKept.end();
    const bool token = !type.empty() && std::all_of(type.begin(), type.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '.' ||
               c == '+';
    });
    if ((family || listed) && token) return {type, std::nullopt};
    return {type, "type not kept: " + (token ? type : std::string("(malformed)"))};
}

std::string check_upload(std::string_view bytes) {
    if (bytes.empty()) throw bad_request("missing_body", "Send the picture's bytes as the body");
    if (bytes.size() > kMaxBytes) {
        throw HttpError(413, "payload_too_large", "A picture may be at most 5 MB");
    }
    const auto type = sniff_picture(bytes);
    if (!type || *type == "image/webp") {
        throw HttpError(415, "unsupported_media",
                        "Send a JPEG, PNG or GIF picture: its bytes are none of them");
    }
    return *type;
}

bool shown_inline(std::string_view content_type) {
    return content_type == "image/jpeg" || content_type == "image/png" ||
           content_type == "image/gif" || content_type == "image/webp";
}

std::chrono::seconds retry_delay(int attempts) {
    static constexpr std::array<int, 4> kMinutes = {1, 5, 30, 120};
    const auto i = static_cast<size_t>(std::clamp(attempts, 1, 4) - 1);
    return std::chrono::minutes(kMinutes[i]);
}

bool passing(std::string_view code) {
    return code == "twilio_unavailable" || code == "twilio_auth" || code == "twilio_error";
}

}  // namespace textus::media
