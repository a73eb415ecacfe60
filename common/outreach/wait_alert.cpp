#include "common/outreach/wait_alert.h"

#include <spdlog/spdlog.h>

#include "common/db/db.h"
#include "common/outreach/wait_alert_store.h"

namespace textus::wait_alert {

smtp::Mail mail(const Config& config, const Due& due) {
    const auto who =
        due.contact_name.empty() ? due.phone : due.contact_name + " (" + due.phone + ")";
    auto base = config.public_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const auto minutes = std::to_string(due.minutes) + (due.minutes == 1 ? " minute" : " minutes");
    std::string body = who + " texted at " + due.since + " and has had no answer for " + minutes +
                       (due.unassigned ? "; nobody has the conversation yet.\n" : ".\n");
    if (due.with_body) body += "\nThey wrote:\n" + due.body + "\n";
    body += "\nOpen the conversation: " + base +
            "/inbox/#contact=" + std::to_string(due.contact_id) +
            "\n\nYou asked to be emailed when a text in your conversations" +
            (due.unassigned ? std::string(" or unassigned ones") : std::string()) + " waits " +
            minutes + ". Change it in the inbox, under Email alerts.\n";
    return {due.to,
            "A text has waited " + minutes + ": " +
                (due.contact_name.empty() ? due.phone : due.contact_name),
            body};
}

Run email_waiting(Db& db, const Config& config) {
    Run run;
    if (config.smtp_url.empty()) return run;
    if (const auto stale = db.transact(abandon_stale); stale > 0) {
        spdlog::warn("email alerts: {} left unfinished by a stopped worker, not sent again", stale);
    }
    const auto due = db.transact([](Tx& tx) { return claim_due(tx, kBatch); });
    for (const auto& one : due) {
        const auto result = smtp::send(config, mail(config, one));
        switch (result.outcome) {
            case smtp::Outcome::sent:
                db.transact([&](Tx& tx) { sent(tx, one.alert_id); });
                ++run.sent;
                break;
            case smtp::Outcome::unsent:
                db.transact([&](Tx& tx) { release(tx, one.alert_id); });
                ++run.retry_later;
                spdlog::warn("email alert {}: not sent, tried again later ({})", one.alert_id,
                             result.reason);
                break;
            case smtp::Outcome::unknown:
                db.transact([&](Tx& tx) { failed(tx, one.alert_id, result.reason); });
                ++run.failed;
                spdlog::warn("email alert {}: failed, not sent again ({})", one.alert_id,
                             result.reason);
                break;
        }
    }
    return run;
}

}  // namespace textus::wait_alert
