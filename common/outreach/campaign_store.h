// Campaigns in PostgreSQL (sql/012_campaigns.sql and after), as staff's routes use them: create,
// list, show, pause and resume a campaign, preview its text, page through its recipients. The
// worker's side is common/outreach/campaign_queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/core/config.h"
#include "common/outreach/campaign.h"

namespace textus {
class Tx;
namespace audit {
struct Actor;
}
}  // namespace textus

namespace textus::campaign {

// One unit of work: the recipients resolved and stored with the campaign. 404
// template_not_found; 400 invalid_field naming ids of no contact (contactIds); 400
// no_recipients or too_many_recipients (over kMaxRecipients); 400 invalid_field (sendAt) unless
// it is now or later and at most a year ahead. The same Idempotency-Key answers the same
// campaign (422 when it was used for another). A new campaign is in the audit log as done by
// `actor`, under the name `staff`.
Campaign create(Tx& tx, const Write& write, const std::string& staff, const audit::Actor& actor);

// The list's progress counts are reused for this long after they were computed (a completed
// campaign's, which move only with late replies and statuses, for longer): counting reads every
// recipient of every campaign listed. find() always counts afresh.
inline constexpr int kListProgressSeconds = 5;
inline constexpr int kCompletedProgressSeconds = 300;

// Newest first, at most kListLimit, with progress at most kListProgressSeconds old
// (kCompletedProgressSeconds for a completed campaign).
std::vector<Campaign> list(Tx& tx);
std::optional<Campaign> find(Tx& tx, int64_t id);

// Paused: no more of it goes until it is resumed. Either is idempotent; 404 for no campaign,
// 409 campaign_completed once every recipient has had its turn. In the audit log as done by
// `actor`.
Campaign pause(Tx& tx, int64_t id, const audit::Actor& actor);
Campaign resume(Tx& tx, int64_t id, const audit::Actor& actor);

// How many `request`'s audience holds, and what its contact (or its first) would get now:
// the send decision's text and refusal, as the worker would meet them. 400 invalid_field
// (contactId) for a contact who is not one of the recipients; 404 template_not_found.
Preview preview(Tx& tx, const PreviewRequest& request, const Config& config);

// Campaign `id`'s recipients in order, a page of `query`. 404 for no campaign.
RecipientPage recipients(Tx& tx, int64_t id, const RecipientsQuery& query);

}  // namespace textus::campaign
