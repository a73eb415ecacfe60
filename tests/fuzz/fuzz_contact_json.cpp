// JSON bodies through the contact mapping (json_body, apply_json, to_json), and the same bytes
// as a list query (parse_form, parse_list_query).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/contacts/contact.h"
#include "common/core/error.h"
#include "common/http/http.h"

namespace {

// A stored contact, so that a PATCH-like body naming only some fields still renders.
textus::contacts::Contact stored() {
    textus::contacts::Contact contact;
    contact.id = 42;
    contact.first_name = "Ann";
    contact.last_name = "Lee";
    contact.phone = "+17605550142";
    contact.created_at = contact.updated_at = "2026-01-02T03:04:05Z";
    return contact;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        Request request;
        request.content_type = "application/json; charset=utf-8";
        request.body = input;
        const auto contact = contacts::apply_json(json_body(request), stored(), "US");
        const auto rendered = contacts::to_json(contact);
        // What was accepted goes to PostgreSQL as UTF-8 text: a strict dump must not throw.
        rendered.dump();
        // contract.md §4: a client may send back what it read, and that changes nothing.
        if (contacts::to_json(contacts::apply_json(rendered, contact, "US")) != rendered) {
            std::abort();
        }
    } catch (const HttpError&) {
        // Refusing bad input is the expected outcome; any other exception is a finding.
    }
    try {
        contacts::parse_list_query(parse_form(input));
    } catch (const HttpError&) {
    }
    return 0;
}
