// /api/crm/sms/send: staff text a contact or a number (contract.md §4). The row is committed before
// Twilio is called and settled after; the Twilio call holds no transaction open.
// /api/crm/sms/templates: the bodies staff send from, with variables; a send with sendAt waits
// in /api/crm/sms/scheduled for `textus-admin run-due`; /api/crm/sms/auto-replies: the rules
// textus-webhook answers texts with; /api/crm/sms/campaigns: one text to many contacts, sent by
// `textus-admin run-due` at CAMPAIGN_RATE (issue 15).
#include "common/sending/send.h"

#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/template_store.h"
#include "common/outreach/auto_reply.h"
#include "common/outreach/campaign.h"
#include "common/outreach/campaign_store.h"
#include "common/outreach/schedule.h"
#include "common/twilio/twilio_client.h"

namespace {

using namespace textus;

Response send_message(Context& c) {
    const auto request =
        send::parse(c.json, c.request.header("idempotency-key"), c.config.default_region);
    if (const auto send_at = schedule::parse_send_at(c.json)) {
        const auto scheduled = c.db.transact(
            [&](Tx& tx) { return schedule::create(tx, request, *send_at, c.config, c.staff_key); });
        return Response::json(201,
                              {{"success", true}, {"scheduled", schedule::to_json(scheduled)}});
    }
    // Built first: a configuration that cannot reach Twilio refuses before a row is written.
    twilio::Client client(c.config);
    const auto prepared =
        c.db.transact([&](Tx& tx) { return send::prepare(tx, request, c.config, c.staff_key); });
    if (prepared.replay) return Response::json(201, send::answer(prepared.message));
    return Response::json(
        201, send::answer(send::deliver(c.db, c.config, client, prepared.message, prepared.chats,
                                        send::Unavailable::fails)));
}

HttpError no_template(int64_t id) {
    return not_found("No template with id " + std::to_string(id));
}

Response template_response(int status, const templates::Template& t) {
    return Response::json(status, {{"success", true}, {"template", templates::to_json(t)}});
}

Response list_templates(Context& c) {
    const auto all = c.db.transact([](Tx& tx) { return templates::list(tx); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t : all) items.push_back(templates::to_json(t));
    return Response::json(200, {{"success", true}, {"templates", items}});
}

Response create_template(Context& c) {
    const auto t = templates::parse_write(c.json);
    return template_response(201, c.db.transact([&](Tx& tx) { return templates::create(tx, t); }));
}

Response show_template(Context& c) {
    const auto id = c.params.id("id");
    const auto t = c.db.transact([&](Tx& tx) { return templates::find(tx, id); });
    if (!t) throw no_template(id);
    return template_response(200, *t);
}

Response replace_template(Context& c) {
    const auto id = c.params.id("id");
    const auto t = templates::parse_write(c.json);
    const auto stored = c.db.transact([&](Tx& tx) { return templates::update(tx, id, t); });
    if (!stored) throw no_template(id);
    return template_response(200, *stored);
}

Response remove_template(Context& c) {
    const auto id = c.params.id("id");
    if (!c.db.transact([&](Tx& tx) { return templates::remove(tx, id); })) throw no_template(id);
    return Response::json(200, {{"success", true}, {"id", id}});
}

Response list_scheduled(Context& c) {
    const auto status = schedule::parse_status_filter(c.request.query());
    const auto all = c.db.transact([&](Tx& tx) { return schedule::list(tx, status); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : all) items.push_back(schedule::to_json(s));
    return Response::json(200, {{"success", true}, {"scheduled", items}});
}

Response cancel_scheduled(Context& c) {
    const auto id = c.params.id("id");
    const auto canceled = c.db.transact([&](Tx& tx) { return schedule::cancel(tx, id); });
    return Response::json(200, {{"success", true}, {"scheduled", schedule::to_json(canceled)}});
}

HttpError no_rule(int64_t id) {
    return not_found("No auto-reply with id " + std::to_string(id));
}

Response rule_response(int status, const auto_reply::Rule& rule) {
    return Response::json(status, {{"success", true}, {"autoReply", auto_reply::to_json(rule)}});
}

Response list_rules(Context& c) {
    const auto all = c.db.transact([](Tx& tx) { return auto_reply::list(tx); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& rule : all) items.push_back(auto_reply::to_json(rule));
    return Response::json(200, {{"success", true}, {"autoReplies", items}});
}

Response create_rule(Context& c) {
    const auto rule = auto_reply::parse_write(c.json);
    return rule_response(201, c.db.transact([&](Tx& tx) { return auto_reply::create(tx, rule); }));
}

Response show_rule(Context& c) {
    const auto id = c.params.id("id");
    const auto rule = c.db.transact([&](Tx& tx) { return auto_reply::find(tx, id); });
    if (!rule) throw no_rule(id);
    return rule_response(200, *rule);
}

Response replace_rule(Context& c) {
    const auto id = c.params.id("id");
    const auto rule = auto_reply::parse_write(c.json);
    const auto stored = c.db.transact([&](Tx& tx) { return auto_reply::update(tx, id, rule); });
    if (!stored) throw no_rule(id);
    return rule_response(200, *stored);
}

Response remove_rule(Context& c) {
    const auto id = c.params.id("id");
    if (!c.db.transact([&](Tx& tx) { return auto_reply::remove(tx, id); })) throw no_rule(id);
    return Response::json(200, {{"success", true}, {"id", id}});
}

Response campaign_response(int status, const Context& c, const campaign::Campaign& campaign) {
    publish::staff(c.config, staff_events::campaign(campaign::to_json(campaign)));
    return Response::json(status, {{"success", true}, {"campaign", campaign::to_json(campaign)}});
}

Response list_campaigns(Context& c) {
    const auto all = c.db.transact([](Tx& tx) { return campaign::list(tx); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& one : all) items.push_back(campaign::to_json(one));
    return Response::json(200, {{"success", true}, {"campaigns", items}});
}

Response create_campaign(Context& c) {
    const auto write = campaign::parse_write(c.json, c.request.header("idempotency-key"));
    const auto created =
        c.db.transact([&](Tx& tx) { return campaign::create(tx, write, c.staff_key); });
    return campaign_response(201, c, created);
}

Response preview_campaign(Context& c) {
    const auto request = campaign::parse_preview(c.json);
    const auto preview =
        c.db.transact([&](Tx& tx) { return campaign::preview(tx, request, c.config); });
    return Response::json(200,
                          {{"success", true},
                           {"recipients", preview.recipients},
                           {"preview", preview.recipient ? campaign::to_json(*preview.recipient)
                                                         : nlohmann::json(nullptr)}});
}

Response show_campaign(Context& c) {
    const auto id = c.params.id("id");
    const auto found = c.db.transact([&](Tx& tx) { return campaign::find(tx, id); });
    if (!found) throw not_found("No campaign with id " + std::to_string(id));
    return Response::json(200, {{"success", true}, {"campaign", campaign::to_json(*found)}});
}

Response campaign_recipients(Context& c) {
    const auto id = c.params.id("id");
    const auto query = campaign::parse_recipients_query(c.request.query());
    const auto page = c.db.transact([&](Tx& tx) { return campaign::recipients(tx, id, query); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& recipient : page.recipients) items.push_back(campaign::to_json(recipient));
    return Response::json(200, {{"success", true},
                                {"recipients", items},
                                {"next", page.next ? nlohmann::json(*page.next) : nullptr}});
}

Response pause_campaign(Context& c) {
    const auto id = c.params.id("id");
    return campaign_response(200, c,
                             c.db.transact([&](Tx& tx) { return campaign::pause(tx, id); }));
}

Response resume_campaign(Context& c) {
    const auto id = c.params.id("id");
    return campaign_response(200, c,
                             c.db.transact([&](Tx& tx) { return campaign::resume(tx, id); }));
}

const Route kRoutes[] = {
    {"POST", "/api/crm/sms/send", send_message, Auth::staff, Body::json},
    {"GET", "/api/crm/sms/templates", list_templates, Auth::staff},
    {"POST", "/api/crm/sms/templates", create_template, Auth::staff, Body::json},
    {"GET", "/api/crm/sms/templates/{id}", show_template, Auth::staff},
    {"PUT", "/api/crm/sms/templates/{id}", replace_template, Auth::staff, Body::json},
    {"DELETE", "/api/crm/sms/templates/{id}", remove_template, Auth::staff},
    {"GET", "/api/crm/sms/scheduled", list_scheduled, Auth::staff},
    {"DELETE", "/api/crm/sms/scheduled/{id}", cancel_scheduled, Auth::staff},
    {"GET", "/api/crm/sms/auto-replies", list_rules, Auth::staff},
    {"POST", "/api/crm/sms/auto-replies", create_rule, Auth::staff, Body::json},
    {"GET", "/api/crm/sms/auto-replies/{id}", show_rule, Auth::staff},
    {"PUT", "/api/crm/sms/auto-replies/{id}", replace_rule, Auth::staff, Body::json},
    {"DELETE", "/api/crm/sms/auto-replies/{id}", remove_rule, Auth::staff},
    {"GET", "/api/crm/sms/campaigns", list_campaigns, Auth::staff},
    {"POST", "/api/crm/sms/campaigns", create_campaign, Auth::staff, Body::json},
    {"POST", "/api/crm/sms/campaigns/preview", preview_campaign, Auth::staff, Body::json},
    {"GET", "/api/crm/sms/campaigns/{id}", show_campaign, Auth::staff},
    {"GET", "/api/crm/sms/campaigns/{id}/recipients", campaign_recipients, Auth::staff},
    {"POST", "/api/crm/sms/campaigns/{id}/pause", pause_campaign, Auth::staff},
    {"POST", "/api/crm/sms/campaigns/{id}/resume", resume_campaign, Auth::staff},
};

}  // namespace

int main() {
    return serve({.name = "send",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID",
                                      "TWILIO_AUTH_TOKEN"}});
}
