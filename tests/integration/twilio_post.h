// Posts to the stack's Twilio routes as Twilio makes them: form-encoded and signed with the
// stack's auth token over the public URL.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace textus::test {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Post {
    int status = 0;
    std::string content_type;
    std::string body;
};

// The local stack's TWILIO_AUTH_TOKEN.
std::string auth_token();

// POSTs `fields` to `path`, signed over `signed_url` (default: the public URL of `path`) with
// `token` (default: the stack's); `signature` "" sends none, anything else is sent as given.
Post post(const std::string& path, const Fields& fields, const std::string& signature = "<sign>",
          const std::string& signed_url = "", const std::string& token = "");

// A fresh MessageSid ("SM" or "MM" + 32 hex digits), unique in this test run.
std::string new_sid(const char* prefix = "SM");

// The one source of the suite's phone numbers, so that no two tests share a contact: a valid
// number unique in this run, +1 619 555 1000 onward (San Diego: California for quiet hours).
// A number a test writes out is a 555-0XXX one, which this never gives.
std::string new_phone();

// `count` (1 to 10) fresh numbers that alone in this run share their first nine digits: a
// search by those digits finds exactly them.
std::vector<std::string> new_phones(int count);

// An inbound SMS's fields as Twilio posts them.
Fields inbound(const std::string& sid, const std::string& from, const std::string& body);

}  // namespace textus::test
