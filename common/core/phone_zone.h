// The time zones of a phone number, for quiet hours: for the US and Canada its area code's state
// or province (libphonenumber's offline geocoder; a state in several zones counts as the one
// most of its people live in), elsewhere its country's. Its own file: the geocoder's data
// (17 MB) is linked only into the programs that call it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace textus::phone {

// The IANA time zones `e164` may be in: its state's or province's one, else every zone of its
// country (ICU's zones of the region, one for each UTC offset they have now: a send must be
// outside quiet hours in all of them). None for a number of no country (satellite and other
// global services) or no number at all (a short code, an alphanumeric sender): nobody knows
// its local time.
std::vector<std::string> time_zones(std::string_view e164);

}  // namespace textus::phone
