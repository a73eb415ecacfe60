// Auto-replies (issue 15): rules staff configure, which the webhook applies to an inbound text
// after the keywords Twilio handles (STOP, START, HELP and theirs never get another reply).
// A keyword rule answers a text that is exactly its keyword, as Twilio matches its own: the
// whole message, trimmed, in any case. The away rule answers outside its business hours (in
// DEFAULT_TIME_ZONE), at most once per contact in 12 hours. A reply is rendered like a template
// ({firstName}, ...) and sent through the send path with sentBy "auto", by the worker: the
// webhook only marks the text as waiting for its decision. The rules' rows and the decision
// against them: common/outreach/auto_reply_store.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus::auto_reply {

struct Rule {
    int64_t id = 0;
    std::string kind;                    // "keyword" or "away"
    std::optional<std::string> keyword;  // upper case, keyword rules
    nlohmann::json hours;                // away rule: {"mon": "09:00-17:00" | null, ...}
    std::string body;
    bool enabled = true;
    std::string created_at;
    std::string updated_at;
};

// A write (POST and PUT): kind, body (a template body: known variables only), enabled (default
// true), and a keyword rule's keyword (letters and digits, at most 32; none of Twilio's
// keywords: 400 reserved_keyword) or the away rule's hours (each of mon..sun "HH:MM-HH:MM", or
// null or absent: closed all day). 400 naming the field otherwise.
Rule parse_write(const nlohmann::json& body);

// {id, kind, keyword, hours, body, enabled, createdAt, updatedAt}
nlohmann::json to_json(const Rule& rule);

struct Reply {
    std::string kind;  // "keyword" or "away"
    std::string body;  // not yet rendered
};

// The keyword a whole text would be, as Twilio matches its own: trimmed, in capitals ("" when
// it is not UTF-8).
std::string keyword_in(std::string_view message);

// True when the away rule's `hours` are open at `minutes` past midnight on ISO day `isodow`
// (1: Monday).
bool open_at(const nlohmann::json& hours, int isodow, int minutes);

}  // namespace textus::auto_reply
