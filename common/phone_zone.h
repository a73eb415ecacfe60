// The time zone of a phone number, for quiet hours: for the US and Canada its area code's state
// or province (libphonenumber's offline geocoder; a state in several zones counts as the one
// most of its people live in), elsewhere its country when the country has one zone. Its own
// file: the geocoder's data (17 MB) is linked only into the programs that call it.
#pragma once

#include <string>
#include <string_view>

namespace textus::phone {

// The IANA time zone of `e164`, or `fallback`.
std::string time_zone(std::string_view e164, std::string_view fallback);

}  // namespace textus::phone
