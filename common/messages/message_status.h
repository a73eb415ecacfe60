// Twilio's message statuses and their order. Status callbacks arrive late and out of order (a
// `sent` after `delivered`), so a message's status only ever moves forward (contract.md §4): this
// is the one place that says what forward is.
#pragma once

#include <span>
#include <string_view>

namespace textus::message_status {

// Every status of Twilio's Message resource (API 2010 `message_enum_status`), spelled as
// Twilio sends them (lower case). Any other spelling is unknown.
std::span<const std::string_view> all();
bool known(std::string_view status);

// The status's place in its direction's order, 0 when unknown. Outbound: scheduled 1 <
// accepted 2 < queued 3 < sending 4 < sent 5 < partially_delivered 6 < delivered, undelivered,
// failed, canceled 7 < read 8. Inbound: receiving 1 < received 2.
int rank(std::string_view status);

// delivered, undelivered, failed, canceled, read and received: only delivered -> read leaves one.
bool is_final(std::string_view status);

// True when an update from `from` to `to` changes the stored status: `to` is known, and
// `from` is unknown (nothing to keep), or both are of one direction, `from` is not final and
// `to` ranks higher, or `from` is delivered and `to` is read. The same status again is false.
bool moves_forward(std::string_view from, std::string_view to);

// The status to keep: `to` when it moves forward, otherwise `from` (a view of that argument).
std::string_view advance(std::string_view from, std::string_view to);

}  // namespace textus::message_status
