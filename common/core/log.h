// Logging: one spdlog line per event on stderr (journald keeps it). Personal data never goes
// into a log line unmasked; bodies, tokens and keys never go in at all (contract.md §9).
#pragma once

#include <string>
#include <string_view>

namespace textus::log {

// Sets the stderr logger up for `program` at `level` (trace, debug, info, warn, error, off).
void init(std::string_view program, std::string_view level);

// "+17605551234" -> "+1760***1234": enough to tell numbers apart, not enough to dial.
std::string mask_phone(std::string_view phone);

// "jane.doe@example.com" -> "j***@example.com".
std::string mask_email(std::string_view email);

}  // namespace textus::log
