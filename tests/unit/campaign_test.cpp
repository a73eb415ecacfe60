#include "common/outreach/campaign.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"
#include "tests/unit/refusal.h"

using nlohmann::json;
using textus::HttpError;
using textus::test::refusal;
namespace campaign = textus::campaign;

namespace {

const json kOk = {{"name", "Open house"}, {"body", "Hi {firstName}!"}, {"contactIds", {3, 1, 3}}};

json with(const std::string& key, const json& value) {
    auto body = kOk;
    if (value.is_null()) {
        body.erase(key);
    } else {
        body[key] = value;
    }
    return body;
}

// `body` with `more`'s keys set.
json also(json body, const json& more) {
    body.update(more);
    return body;
}

std::string write_refusal(const json& body, std::string_view key = "") {
    return refusal([&] { campaign::parse_write(body, key); });
}

}  // namespace

TEST_CASE("a campaign's name, text and recipients", "[campaign]") {
    const auto write = campaign::parse_write(kOk, "key-1");
    CHECK(write.name == "Open house");
    CHECK(write.text.body == "Hi {firstName}!");
    CHECK_FALSE(write.text.template_id);
    CHECK(write.audience.contact_ids == std::vector<int64_t>{1, 3});  // sorted, once each
    CHECK_FALSE(write.audience.filter);
    CHECK_FALSE(write.send_at);
    CHECK(write.idempotency_key == "key-1");

    auto by_template = kOk;
    by_template.erase("body");
    by_template["templateId"] = 7;
    by_template.erase("contactIds");
    by_template["filter"] = {
        {"status", "client"}, {"tags", {" vip ", "vip", "wine"}}, {"optIn", true}};
    by_template["sendAt"] = "2030-01-02T03:04:05+01:00";
    const auto templated = campaign::parse_write(by_template, "");
    CHECK(templated.text.template_id == 7);
    REQUIRE(templated.audience.filter);
    CHECK(templated.audience.filter->status == "client");
    CHECK(templated.audience.filter->tags == std::vector<std::string>{"vip", "wine"});
    CHECK(templated.audience.filter->opt_in == true);
    CHECK(templated.send_at == "2030-01-02T02:04:05Z");
    CHECK_FALSE(templated.idempotency_key);

    // An empty filter is every contact; nulls inside it filter nothing.
    const auto everyone =
        campaign::parse_write(also(with("contactIds", nullptr), {{"filter", json::object()}}), "");
    REQUIRE(everyone.audience.filter);
    CHECK_FALSE(everyone.audience.filter->status);
    const auto nulls = campaign::parse_write(
        also(with("contactIds", nullptr), {{"filter", {{"status", nullptr}, {"optIn", nullptr}}}}),
        "");
    CHECK_FALSE(nulls.audience.filter->opt_in);
}

TEST_CASE("a campaign that is not one is refused naming the field", "[campaign]") {
    CHECK(write_refusal(with("name", nullptr)).starts_with("missing_field name"));
    CHECK(write_refusal(with("name", "  ")).starts_with("missing_field name"));
    CHECK(write_refusal(with("name", 5)).starts_with("invalid_field name"));
    CHECK(write_refusal(with("body", nullptr)).starts_with("missing_field body"));
    CHECK(write_refusal(with("body", "Hi {first_name}")).starts_with("unknown_variable body"));
    CHECK(write_refusal(with("body", std::string(1601, 'a'))).starts_with("invalid_field body"));
    CHECK(write_refusal(with("templateId", 2)).starts_with("invalid_field templateId"));
    CHECK(write_refusal(also(with("body", nullptr), {{"templateId", "2"}}))
              .starts_with("invalid_field templateId"));
    CHECK(write_refusal(also(with("body", nullptr), {{"templateId", 0}}))
              .starts_with("invalid_field templateId"));
    CHECK(write_refusal(with("contactIds", nullptr)).starts_with("missing_field contactIds"));
    CHECK(write_refusal(with("contactIds", json::array())).starts_with("invalid_field contactIds"));
    CHECK(write_refusal(with("contactIds", {1, -2})).starts_with("invalid_field contactIds"));
    CHECK(write_refusal(with("contactIds", {1, 2.5})).starts_with("invalid_field contactIds"));
    CHECK(write_refusal(with("contactIds", "1,2")).starts_with("invalid_field contactIds"));
    CHECK(write_refusal(with("filter", json::object())).starts_with("invalid_field filter"));
    const auto filtered = [](const json& filter) {
        return write_refusal(also(with("contactIds", nullptr), {{"filter", filter}}));
    };
    CHECK(filtered({1}).starts_with("invalid_field filter"));
    CHECK(filtered({{"status", "gold"}}).starts_with("invalid_status filter.status"));
    CHECK(filtered({{"tags", "vip"}}).starts_with("invalid_tags filter.tags"));
    CHECK(filtered({{"optIn", 1}}).starts_with("invalid_field filter.optIn"));
    CHECK(filtered({{"search", "x"}}).starts_with("invalid_field filter.search"));
    CHECK(write_refusal(with("sendAt", "2030-01-02 03:04")).starts_with("invalid_field sendAt"));
    CHECK(write_refusal(kOk, "two words").starts_with("invalid_header Idempotency-Key"));
    CHECK(write_refusal(kOk, std::string(256, 'k')).starts_with("invalid_header Idempotency-Key"));
}

TEST_CASE("a campaign's digest covers what it asks for", "[campaign]") {
    const auto digest = [](const json& body) { return campaign::parse_write(body, "").digest(); };
    CHECK(digest(kOk) == digest(with("contactIds", {1, 3})));  // the same ids, however listed
    CHECK(digest(kOk) != digest(with("name", "Other")));
    CHECK(digest(kOk) != digest(with("body", "Hi!")));
    CHECK(digest(kOk) != digest(with("contactIds", {1})));
    CHECK(digest(kOk) != digest(with("sendAt", "2030-01-01T00:00:00Z")));
    CHECK(digest(also(with("contactIds", nullptr), {{"filter", {{"optIn", true}}}})) !=
          digest(also(with("contactIds", nullptr), {{"filter", {{"optIn", false}}}})));
}

TEST_CASE("a preview's text, recipients and chosen contact", "[campaign]") {
    const auto preview = campaign::parse_preview(
        {{"templateId", 4}, {"filter", {{"tags", {"vip"}}}}, {"contactId", 9}});
    CHECK(preview.text.template_id == 4);
    CHECK(preview.contact_id == 9);
    CHECK(refusal([] {
              campaign::parse_preview({{"body", "Hi"}, {"contactIds", {1}}, {"contactId", "9"}});
          }).starts_with("invalid_field contactId"));
    CHECK(refusal([] {
              campaign::parse_preview({{"contactIds", {1}}});
          }).starts_with("missing_field body"));
}

TEST_CASE("the send rules' refusals that skip a recipient, and why", "[campaign]") {
    CHECK(campaign::skip_reason(HttpError(409, "opted_out", "")) == "opted_out");
    CHECK(campaign::skip_reason(HttpError(403, "no_consent", "")) == "not_opted_in");
    CHECK(campaign::skip_reason(HttpError(404, "not_found", "")) == "contact_deleted");
    CHECK(campaign::skip_reason(HttpError(422, "invalid_phone", "")) == "invalid_number");
    CHECK_FALSE(campaign::skip_reason(HttpError(400, "empty_body", "")));
    CHECK_FALSE(campaign::skip_reason(HttpError(502, "twilio_unavailable", "")));
}

TEST_CASE("a recipients page's bucket, start and size", "[campaign]") {
    const auto query = [](const std::string& s) {
        return campaign::parse_recipients_query(textus::parse_form(s));
    };
    const auto all = query("");
    CHECK_FALSE(all.status);
    CHECK(all.after == 0);
    CHECK(all.limit == campaign::kDefaultRecipientsLimit);
    const auto page = query("status=skipped&after=40&limit=10");
    CHECK(page.status == "skipped");
    CHECK(page.after == 40);
    CHECK(page.limit == 10);
    CHECK_FALSE(query("status=").status);
    CHECK(refusal([&] { query("status=pending"); }).starts_with("invalid_parameter status"));
    CHECK(refusal([&] { query("limit=501"); }).starts_with("invalid_query limit"));
    CHECK(refusal([&] { query("after=-1"); }).starts_with("invalid_query after"));
}

TEST_CASE("a recipient and a preview as JSON", "[campaign]") {
    // A recipient whose contact was deleted: no contact, names empty, no phone.
    campaign::Recipient recipient;
    recipient.id = 7;
    recipient.status = "skipped";
    recipient.skip_reason = "contact_deleted";
    CHECK(campaign::to_json(recipient) == json{{"id", 7},
                                               {"contactId", nullptr},
                                               {"firstName", ""},
                                               {"lastName", ""},
                                               {"phone", nullptr},
                                               {"status", "skipped"},
                                               {"skipReason", "contact_deleted"},
                                               {"messageId", nullptr},
                                               {"error", nullptr}});
    campaign::RecipientPreview preview;
    preview.contact_id = 3;
    preview.first_name = "Ann";
    preview.phone = "+17605550100";
    preview.body = "Hi Ann";
    preview.count.characters = 6;
    CHECK(campaign::to_json(preview) == json{{"contactId", 3},
                                             {"firstName", "Ann"},
                                             {"lastName", ""},
                                             {"phone", "+17605550100"},
                                             {"body", "Hi Ann"},
                                             {"characters", 6},
                                             {"segments", 1},
                                             {"encoding", "GSM-7"},
                                             {"skipReason", nullptr}});
}
