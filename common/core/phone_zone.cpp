#include "common/core/phone_zone.h"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <utility>

namespace textus::phone {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

using Zone = std::pair<std::string_view, std::string_view>;

// US states and Canadian provinces as the geocoder names them (a whole name, or a city's
// ", XX"), each in the zone most of its people live in.
constexpr std::array<Zone, 122> kStateZones = {{
    {"Alabama", "America/Chicago"},
    {"AL", "America/Chicago"},
    {"Alaska", "America/Anchorage"},
    {"AK", "America/Anchorage"},
    {"Arizona", "America/Phoenix"},
    {"AZ", "America/Phoenix"},
    {"Arkansas", "America/Chicago"},
    {"AR", "America/Chicago"},
    {"California", "America/Los_Angeles"},
    {"CA", "America/Los_Angeles"},
    {"Colorado", "America/Denver"},
    {"CO", "America/Denver"},
    {"Connecticut", "America/New_York"},
    {"CT", "America/New_York"},
    {"Delaware", "America/New_York"},
    {"DE", "America/New_York"},
    {"Washington D.C.", "America/New_York"},
    {"DC", "America/New_York"},
    {"Florida", "America/New_York"},
    {"FL", "America/New_York"},
    {"Georgia", "America/New_York"},
    {"GA", "America/New_York"},
    {"Hawaii", "Pacific/Honolulu"},
    {"HI", "Pacific/Honolulu"},
    {"Idaho", "America/Boise"},
    {"ID", "America/Boise"},
    {"Illinois", "America/Chicago"},
    {"IL", "America/Chicago"},
    {"Indiana", "America/Indiana/Indianapolis"},
    {"IN", "America/Indiana/Indianapolis"},
    {"Iowa", "America/Chicago"},
    {"IA", "America/Chicago"},
    {"Kansas", "America/Chicago"},
    {"KS", "America/Chicago"},
    {"Kentucky", "America/New_York"},
    {"KY", "America/New_York"},
    {"Louisiana", "America/Chicago"},
    {"LA", "America/Chicago"},
    {"Maine", "America/New_York"},
    {"ME", "America/New_York"},
    {"Maryland", "America/New_York"},
    {"MD", "America/New_York"},
    {"Massachusetts", "America/New_York"},
    {"MA", "America/New_York"},
    {"Michigan", "America/Detroit"},
    {"MI", "America/Detroit"},
    {"Minnesota", "America/Chicago"},
    {"MN", "America/Chicago"},
    {"Mississippi", "America/Chicago"},
    {"MS", "America/Chicago"},
    {"Missouri", "America/Chicago"},
    {"MO", "America/Chicago"},
    {"Montana", "America/Denver"},
    {"MT", "America/Denver"},
    {"Nebraska", "America/Chicago"},
    {"NE", "America/Chicago"},
    {"Nevada", "America/Los_Angeles"},
    {"NV", "America/Los_Angeles"},
    {"New Hampshire", "America/New_York"},
    {"NH", "America/New_York"},
    {"New Jersey", "America/New_York"},
    {"NJ", "America/New_York"},
    {"New Mexico", "America/Denver"},
    {"NM", "America/Denver"},
    {"New York", "America/New_York"},
    {"NY", "America/New_York"},
    {"North Carolina", "America/New_York"},
    {"NC", "America/New_York"},
    {"North Dakota", "America/Chicago"},
    {"ND", "America/Chicago"},
    {"Ohio", "America/New_York"},
    {"OH", "America/New_York"},
    {"Oklahoma", "America/Chicago"},
    {"OK", "America/Chicago"},
    {"Oregon", "America/Los_Angeles"},
    {"OR", "America/Los_Angeles"},
    {"Pennsylvania", "America/New_York"},
    {"PA", "America/New_York"},
    {"Rhode Island", "America/New_York"},
    {"RI", "America/New_York"},
    {"South Carolina", "America/New_York"},
    {"SC", "America/New_York"},
    {"South Dakota", "America/Chicago"},
    {"SD", "America/Chicago"},
    {"Tennessee", "America/Chicago"},
    {"TN", "America/Chicago"},
    {"Texas", "America/Chicago"},
    {"TX", "America/Chicago"},
    {"Utah", "America/Denver"},
    {"UT", "America/Denver"},
    {"Vermont", "America/New_York"},
    {"VT", "America/New_York"},
    {"Virginia", "America/New_York"},
    {"VA", "America/New_York"},
    {"Washington State", "America/Los_Angeles"},
    {"WA", "America/Los_Angeles"},
    {"West Virginia", "America/New_York"},
    {"WV", "America/New_York"},
    {"Wisconsin", "America/Chicago"},
    {"WI", "America/Chicago"},
    {"Wyoming", "America/Denver"},
    {"WY", "America/Denver"},
    {"Puerto Rico", "America/Puerto_Rico"},
    {"PR", "America/Puerto_Rico"},
    {"Alberta", "America/Edmonton"},
    {"AB", "America/Edmonton"},
    {"British Columbia", "America/Vancouver"},
    {"BC", "America/Vancouver"},
    {"Manitoba", "America/Winnipeg"},
    {"MB", "America/Winnipeg"},
    {"New Brunswick", "America/Moncton"},
    {"NB", "America/Moncton"},
    {"Newfoundland and Labrador", "America/St_Johns"},
    {"NL", "America/St_Johns"},
    {"Nova Scotia", "America/Halifax"},
    {"NS", "America/Halifax"},
    {"Ontario", "America/Toronto"},
    {"ON", "America/Toronto"},
    {"Quebec", "America/Toronto"},
    {"QC", "America/Toronto"},
    {"Saskatchewan", "America/Regina"},
    {"SK", "America/Regina"},
}};

// The zones of `region` (ISO 3166), one for each UTC offset they have now: where the offsets
// agree now, so does the local time, which is all quiet hours look at.
std::vector<std::string> region_zones(const std::string& region) {
    std::vector<std::string> out;
    if (region.size() != 2) return out;  // "001": global services; "ZZ": unknown
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::StringEnumeration> ids(icu::TimeZone::createTimeZoneIDEnumeration(
        UCAL_ZONE_TYPE_CANONICAL_LOCATION, region.c_str(), nullptr, status));
    if (U_FAILURE(status) || !ids) return out;
    const UDate now = icu::Calendar::getNow();
    std::vector<int32_t> offsets;
    while (const auto* id = ids->snext(status)) {
        if (U_FAILURE(status)) break;
        std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(*id));
        int32_t raw = 0, dst = 0;
        zone->getOffset(now, false, raw, dst, status);
        if (U_FAILURE(status)) break;
        if (std::find(offsets.begin(), offsets.end(), raw + dst) != offsets.end()) continue;
        offsets.push_back(raw + dst);
        std::string name;
        id->toUTF8String(name);
        out.push_back(std::move(name));
    }
    return out;
}

std::optional<std::string_view> lookup(const auto& table, std::string_view key) {
    for (const auto& [name, zone] : table) {
        if (name == key) return zone;
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> time_zones(std::string_view e164) {
    const auto& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return {};
    }
    if (number.country_code() == 1) {
        static const i18n::phonenumbers::PhoneNumberOfflineGeocoder geocoder;
        const auto place = geocoder.GetDescriptionForNumber(number, icu::Locale("en"));
        // "California", or a city in its state: "San Francisco, CA".
        const auto comma = place.rfind(", ");
        const auto state = comma == std::string::npos ? std::string_view(place)
                                                      : std::string_view(place).substr(comma + 2);
        if (const auto zone = lookup(kStateZones, state)) return {std::string(*zone)};
    }
    std::string region;
    util.GetRegionCodeForNumber(number, &region);
    return region_zones(region);
}

}  // namespace textus::phone
