// bench-sign-posts: inbound SMS posts signed as Twilio signs them, made before a benchmark
// (tests/bench/webhook-ingest) because wrk's Lua has no HMAC. The signatures come from the
// handler's own code, so every post is one the webhook accepts.
//
//   bench-sign-posts WEBHOOK_URL COUNT FIRST PHONES > posts.tsv
//   environment: TWILIO_AUTH_TOKEN (required)
//
// Prints COUNT lines "SIGNATURE<TAB>FORM-BODY". MessageSids are "SM" and FIRST, FIRST + 1, ...
// in 32 hex digits, so runs with distinct ranges never repeat one; each post comes from one of
// PHONES valid US numbers, chosen at random (seeded by FIRST), as texts from many customers do.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "common/http/http.h"
#include "common/http/http_client.h"
#include "common/twilio/twilio_client.h"
#include "common/twilio/twilio_signature.h"

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: bench-sign-posts WEBHOOK_URL COUNT FIRST PHONES\n";
        return 2;
    }
    const char* token = std::getenv("TWILIO_AUTH_TOKEN");
    if (!token || !*token) {
        std::cerr << "bench-sign-posts: TWILIO_AUTH_TOKEN is not set\n";
        return 2;
    }
    const std::string url = argv[1];
    const long long count = std::atoll(argv[2]), first = std::atoll(argv[3]);
    const int phones = std::atoi(argv[4]);
    if (count < 0 || first < 0 || phones < 1 || phones > 800 * 10000) {
        std::cerr << "bench-sign-posts: COUNT and FIRST must be >= 0, PHONES 1 to 8000000\n";
        return 2;
    }
    const char* words[] = {"tasting",  "room",  "open",      "Saturday", "reserve", "table", "for",
                           "four",     "wine",  "club",      "pickup",   "thanks",  "is",    "the",
                           "cabernet", "still", "available", "can",      "we",      "bring", "dog"};
    std::mt19937_64 random(first);
    std::uniform_int_distribution<int> pick_phone(0, phones - 1),
        pick_word(0, std::size(words) - 1), pick_length(3, 12);
    for (long long n = first; n < first + count; ++n) {
        char sid[35], from[24];
        std::snprintf(sid, sizeof sid, "SM%032llx", n);
        // +1 760 NXX XXXX with exchanges from 200 up: numbers libphonenumber takes as valid.
        const int k = pick_phone(random);
        std::snprintf(from, sizeof from, "+1760%03d%04d", 200 + k / 10000, k % 10000);
        std::string body;
        for (int w = pick_length(random); w > 0; --w) {
            body += (body.empty() ? "" : " ") + std::string(words[pick_word(random)]);
        }
        const std::vector<std::pair<std::string, std::string>> fields = {
            {"MessageSid", sid},
            {"SmsSid", sid},
            {"AccountSid", "AC" + std::string(32, '0')},
            {"From", from},
            {"To", "+17605550100"},
            {"Body", body},
            {"NumMedia", "0"},
            {"NumSegments", "1"},
            {"ApiVersion", "2010-04-01"}};
        textus::Form form;
        for (const auto& [name, value] : fields) form.add(name, value);
        std::cout << textus::twilio::signature(token, url, form) << '\t'
                  << textus::http_client::form_encode(fields) << '\n';
    }
    return std::cout.flush() ? 0 : 1;
}
