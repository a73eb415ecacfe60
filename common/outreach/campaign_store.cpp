#include "common/outreach/campaign_store.h"

#include <algorithm>

#include "common/contacts/contact_store.h"
#include "common/core/error.h"
#include "common/db/db.h"
#include "common/http/audit.h"
#include "common/sending/send.h"

namespace textus::campaign {

namespace {

using nlohmann::json;

// Where a recipient is (Progress's buckets): its own row until its message is written, then
// that message's status. Twilio refusing the number (21211, 21614) or its STOP (21610) is a
// skip, as the same refusal found before the call is.
const std::string kBucket =
    "CASE WHEN r.status <> 'sending' THEN"
    "  CASE r.status WHEN 'pending' THEN 'queued' ELSE r.status END"
    " WHEN m.id IS NULL THEN 'sent'"
    " WHEN m.status = 'failed' AND m.send_error->>'code' IN ('invalid_phone', 'opted_out')"
    "  THEN 'skipped'"
    " WHEN m.status IN ('failed', 'undelivered') THEN 'failed'"
    " WHEN m.status = 'delivered' THEN 'delivered'"
    " WHEN m.sid IS NOT NULL THEN 'sent'"
    " ELSE 'sending' END";
const std::string kReason =
    "CASE WHEN r.status = 'skipped' THEN r.skip_reason"
    " WHEN r.status = 'sending' AND m.status = 'failed' THEN"
    "  CASE m.send_error->>'code' WHEN 'invalid_phone' THEN 'invalid_number'"
    "   WHEN 'opted_out' THEN 'opted_out' END END";

const std::string kColumns =
    "c.id, c.name, c.body, c.template_id, c.filter::text,"
    " CASE WHEN c.status = 'active' THEN"
    "  CASE WHEN c.send_at > now() THEN 'scheduled' ELSE 'sending' END ELSE c.status END,"
    " c.paused_error::text, rfc3339(c.send_at), c.created_by, rfc3339(c.created_at),"
    " rfc3339(c.completed_at)";

const Statement kByKey{"campaign_by_key",
                       "SELECT c.id, c.request_digest FROM campaigns c WHERE idempotency_key = $1"};
const Statement kWhen{"campaign_when",
                      "SELECT $1::timestamptz < now() - interval '1 minute',"
                      " $1::timestamptz > now() + interval '1 year'"};
// The ids of `contactIds` that are no contact's (a few, to name them).
const Statement kUnknownIds{"campaign_unknown_ids",
                            "SELECT x FROM unnest($1::bigint[]) x WHERE NOT EXISTS"
                            " (SELECT 1 FROM contacts c WHERE c.id = x) ORDER BY x LIMIT 5"};
const std::string kAudience =
    " FROM contacts c WHERE ($1::bigint[] IS NULL OR c.id = ANY ($1::bigint[]))"
    " AND ($2::text IS NULL OR c.status = $2) AND ($3::jsonb IS NULL OR c.tags @> $3::jsonb)"
    " AND ($4::boolean IS NULL OR c.sms_opt_in = $4)";
const Statement kCountAudience{"campaign_count_audience", "SELECT count(*)" + kAudience};
const Statement kFirstOfAudience{"campaign_first_of_audience",
                                 "SELECT c.id" + kAudience + " ORDER BY c.id LIMIT 1"};
const Statement kInAudience{"campaign_in_audience", "SELECT c.id" + kAudience + " AND c.id = $5"};
const Statement kInsert{
    "campaign_insert",
    "INSERT INTO campaigns (name, body, template_id, filter, send_at, created_by,"
    " idempotency_key, request_digest) VALUES ($1, $2, $3, $4::jsonb,"
    " greatest(coalesce($5::timestamptz, now()), now()), $6, $7, $8)"
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"};
const Statement kInsertRecipients{
    "campaign_insert_recipients",
    "INSERT INTO campaign_recipients (campaign_id, contact_id) SELECT $5, c.id" + kAudience +
        " ORDER BY c.id"};
const Statement kFind{"campaign_find", "SELECT " + kColumns + " FROM campaigns c WHERE c.id = $1"};
const Statement kList{"campaign_list", "SELECT " + kColumns +
                                           " FROM campaigns c ORDER BY c.created_at DESC, c.id"
                                           " DESC LIMIT " +
                                           std::to_string(kListLimit)};
const Statement kLockStatus{"campaign_lock_status",
                            "SELECT status FROM campaigns WHERE id = $1 FOR UPDATE"};
const Statement kSetStatus{"campaign_set_status",
                           "UPDATE campaigns SET status = $2, paused_error = NULL,"
                           " updated_at = now() WHERE id = $1"};
const std::string kProgressQuery{
    "SELECT r.campaign_id, count(*) AS recipients,"
    " count(*) FILTER (WHERE b.bucket = 'queued') AS queued,"
    " count(*) FILTER (WHERE b.bucket = 'sending') AS sending,"
    " count(*) FILTER (WHERE b.bucket = 'sent') AS sent,"
    " count(*) FILTER (WHERE b.bucket = 'delivered') AS delivered,"
    " count(*) FILTER (WHERE b.bucket = 'failed') AS failed,"
    " count(*) FILTER (WHERE b.bucket = 'skipped') AS skipped,"
    " count(*) FILTER (WHERE b.reason = 'opted_out') AS opted_out,"
    " count(*) FILTER (WHERE b.reason = 'not_opted_in') AS not_opted_in,"
    " count(*) FILTER (WHERE b.reason = 'invalid_number') AS invalid_number,"
    " count(*) FILTER (WHERE b.reason = 'contact_deleted') AS contact_deleted,"
    " count(*) FILTER (WHERE m.sid IS NOT NULL AND EXISTS (SELECT 1 FROM messages i"
    "  WHERE i.direction = 'inbound' AND i.from_number = m.to_number"
    "  AND i.created_at > m.created_at)) AS replies,"
    " count(*) FILTER (WHERE m.sid IS NOT NULL AND EXISTS (SELECT 1 FROM consent_events e"
    "  WHERE e.phone = m.to_number AND e.kind = 'opt_out' AND e.created_at > m.created_at))"
    "  AS opt_outs,"
    " count(*) FILTER (WHERE r.status = 'pending' AND r.not_before > now()) AS held,"
    " rfc3339(min(r.not_before) FILTER (WHERE r.status = 'pending' AND r.not_before > now()))"
    "  AS held_until,"
    " count(*) FILTER (WHERE b.reason = 'possible_opt_out') AS possible_opt_out,"
    " count(*) FILTER (WHERE b.reason = 'no_time_zone') AS no_time_zone"
    " FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id"
    " CROSS JOIN LATERAL (SELECT " +
    kBucket + " AS bucket, " + kReason +
    " AS reason) b"
    " WHERE r.campaign_id = ANY ($1::bigint[]) GROUP BY r.campaign_id"};
const Statement kProgress{"campaign_progress", kProgressQuery};
// The list's: counts computed within kListProgressSeconds (kCompletedProgressSeconds for a
// completed campaign) are taken as they are; the others are computed and kept.
const Statement kCachedProgress{
    "campaign_cached_progress",
    "SELECT p.campaign_id, p.counts, p.held_until FROM campaign_progress p"
    " JOIN campaigns c ON c.id = p.campaign_id WHERE p.campaign_id = ANY ($1::bigint[])"
    " AND p.computed_at > now() - make_interval(secs => CASE WHEN c.status = 'completed'"
    " THEN $3::int ELSE $2::int END)"};
const Statement kKeepProgress{
    "campaign_keep_progress",
    "WITH fresh AS (" + kProgressQuery +
        "), kept AS (INSERT INTO campaign_progress (campaign_id, counts, held_until)"
        " SELECT f.campaign_id, ARRAY[f.recipients, f.queued, f.sending, f.sent, f.delivered,"
        " f.failed, f.skipped, f.opted_out, f.not_opted_in, f.invalid_number, f.contact_deleted,"
        " f.replies, f.opt_outs, f.held, f.possible_opt_out, f.no_time_zone], f.held_until"
        " FROM fresh f"
        " ON CONFLICT (campaign_id) DO UPDATE SET counts = excluded.counts,"
        " held_until = excluded.held_until, computed_at = now())"
        " SELECT * FROM fresh"};
const Statement kRecipients{
    "campaign_recipients",
    "SELECT r.id, r.contact_id, ct.first_name, ct.last_name, ct.phone, b.bucket, b.reason,"
    " r.message_id, coalesce(r.error, m.send_error)::text"
    " FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id"
    " LEFT JOIN contacts ct ON ct.id = r.contact_id"
    " CROSS JOIN LATERAL (SELECT " +
        kBucket + " AS bucket, " + kReason +
        " AS reason) b"
        " WHERE r.campaign_id = $1 AND r.id > $2 AND ($3::text IS NULL OR b.bucket = $3)"
        " ORDER BY r.id LIMIT $4"};

HttpError invalid(const std::string& field, const std::string& why) {
    return bad_request("invalid_field", field + " " + why, field);
}

// kAudience's parameters: $1 ids (none for a filter), $2 status, $3 tags, $4 optIn.
std::vector<Param> audience_params(const Audience& audience) {
    const auto& f = audience.filter.value_or(Audience::Filter{});
    return {audience.filter ? std::nullopt : param(audience.contact_ids), param(f.status),
            f.tags.empty() ? std::nullopt : Param(json(f.tags).dump()), param(f.opt_in)};
}

std::vector<Param> with(std::vector<Param> params, Param more) {
    params.push_back(std::move(more));
    return params;
}

// A template's body, copied: the campaign keeps its text if the template changes or goes.
std::string text_body(Tx& tx, const Text& text) {
    return text.template_id ? send::template_body(tx, *text.template_id) : text.body;
}

Campaign from_row(const pqxx::row& row) {
    Campaign c;
    c.id = row[0].as<int64_t>();
    c.name = row[1].as<std::string>();
    c.body = row[2].as<std::string>();
    c.template_id = nullable<int64_t>(row[3]);
    c.filter = row[4].is_null() ? json(nullptr) : json::parse(row[4].as<std::string>());
    c.status = row[5].as<std::string>();
    c.paused_error = row[6].is_null() ? json(nullptr) : json::parse(row[6].as<std::string>());
    c.send_at = row[7].as<std::string>();
    c.created_by = row[8].as<std::string>();
    c.created_at = row[9].as<std::string>();
    c.completed_at = nullable(row[10]);
    return c;
}

// Campaign `id`'s progress in `campaigns` from its counts in kProgressQuery's order.
void set_progress(std::vector<Campaign>& campaigns, int64_t id, const std::vector<int64_t>& counts,
                  std::optional<std::string> held_until) {
    auto it = std::find_if(campaigns.begin(), campaigns.end(),
                           [&](const Campaign& c) { return c.id == id; });
    auto& p = it->progress;
    size_t i = 0;
    for (auto* count :
         {&p.recipients, &p.queued, &p.sending, &p.sent, &p.delivered, &p.failed, &p.skipped,
          &p.opted_out, &p.not_opted_in, &p.invalid_number, &p.contact_deleted, &p.replies,
          &p.opt_outs, &p.held, &p.possible_opt_out, &p.no_time_zone}) {
        *count = i < counts.size() ? counts[i] : 0;
        ++i;
    }
    p.held_until = std::move(held_until);
}

// Progress from kProgressQuery's rows.
void set_progress(std::vector<Campaign>& campaigns, const pqxx::result& rows) {
    for (const auto& row : rows) {
        std::vector<int64_t> counts;
        for (int i = 1; i <= 14; ++i) counts.push_back(row[i].as<int64_t>());
        // After held_until: added later (018).
        for (int i = 16; i <= 17; ++i) counts.push_back(row[i].as<int64_t>());
        set_progress(campaigns, row[0].as<int64_t>(), counts, nullable(row[15]));
    }
}

void add_progress(Tx& tx, std::vector<Campaign>& campaigns) {
    std::vector<int64_t> ids;
    for (const auto& c : campaigns) ids.push_back(c.id);
    set_progress(campaigns, tx.exec(kProgress, ids));
}

// The list's progress: kept counts where they are fresh, the others computed and kept.
void add_kept_progress(Tx& tx, std::vector<Campaign>& campaigns) {
    std::vector<int64_t> stale;
    for (const auto& c : campaigns) stale.push_back(c.id);
    for (const auto& row :
         tx.exec(kCachedProgress, stale, kListProgressSeconds, kCompletedProgressSeconds)) {
        const auto id = row[0].as<int64_t>();
        std::vector<int64_t> counts;
        for (const auto& count : array_of(row[1])) counts.push_back(std::stoll(count));
        set_progress(campaigns, id, counts, nullable(row[2]));
        stale.erase(std::remove(stale.begin(), stale.end(), id), stale.end());
    }
    if (!stale.empty()) set_progress(campaigns, tx.exec(kKeepProgress, stale));
}

std::optional<Campaign> find_with_progress(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kFind, id);
    if (rows.empty()) return std::nullopt;
    std::vector<Campaign> one{from_row(rows[0])};
    add_progress(tx, one);
    return one[0];
}

HttpError no_campaign(int64_t id) {
    return not_found("No campaign with id " + std::to_string(id));
}

Campaign set_status(Tx& tx, int64_t id, const std::string& status) {
    const auto rows = tx.exec(kLockStatus, id);
    if (rows.empty()) throw no_campaign(id);
    const auto current = rows[0][0].as<std::string>();
    if (current == "completed") {
        throw conflict("campaign_completed", "This campaign has sent to every recipient");
    }
    if (current != status) tx.exec(kSetStatus, id, status);
    return *find_with_progress(tx, id);
}

// The campaign created earlier with `write`'s Idempotency-Key, if any (422 when it was for
// another request).
std::optional<Campaign> keyed(Tx& tx, const Write& write) {
    const auto rows = tx.exec(kByKey, *write.idempotency_key);
    if (rows.empty()) return std::nullopt;
    if (rows[0][1].as<std::string>() != write.digest()) throw send::idempotency_key_reused();
    return find_with_progress(tx, rows[0][0].as<int64_t>());
}

}  // namespace

Campaign create(Tx& tx, const Write& write, const std::string& staff, const audit::Actor& actor) {
    if (write.idempotency_key) {
        if (auto known = keyed(tx, write)) return *known;
    }
    if (write.send_at) {
        const auto when = tx.exec(kWhen, *write.send_at)[0];
        if (when[0].as<bool>()) throw invalid("sendAt", "must not be in the past");
        if (when[1].as<bool>()) throw invalid("sendAt", "must be at most a year ahead");
    }
    const auto body = text_body(tx, write.text);
    const auto params = audience_params(write.audience);
    if (!write.audience.filter) {
        std::string unknown;
        for (const auto& row : tx.exec(kUnknownIds, write.audience.contact_ids)) {
            unknown += (unknown.empty() ? "" : ", ") + row[0].as<std::string>();
        }
        if (!unknown.empty()) throw invalid("contactIds", "holds ids of no contact: " + unknown);
    }
    const auto count = tx.exec_params(kCountAudience, params)[0][0].as<int64_t>();
    if (count == 0) {
        throw bad_request("no_recipients", "The filter matches no contact", "filter");
    }
    if (count > static_cast<int64_t>(kMaxRecipients)) {
        throw bad_request("too_many_recipients",
                          "A campaign goes to at most " + std::to_string(kMaxRecipients) +
                              " contacts; this one matches " + std::to_string(count),
                          write.audience.filter ? "filter" : "contactIds");
    }
    const auto filter = filter_json(write.audience);
    const auto key = write.idempotency_key;
    const auto inserted =
        tx.exec(kInsert, write.name, body, write.text.template_id,
                filter.is_null() ? std::nullopt : Param(filter.dump()), write.send_at, staff, key,
                key ? std::optional(write.digest()) : std::nullopt);
    // The same key committed by a parallel request while this one waited on it.
    if (inserted.empty()) return *keyed(tx, write);
    const auto id = inserted[0][0].as<int64_t>();
    tx.exec_params(kInsertRecipients, with(params, param(id)));
    audit::record(tx, actor, "campaign_created", "campaign " + std::to_string(id));
    return *find_with_progress(tx, id);
}

std::vector<Campaign> list(Tx& tx) {
    std::vector<Campaign> out;
    for (const auto& row : tx.exec(kList)) out.push_back(from_row(row));
    if (!out.empty()) add_kept_progress(tx, out);
    return out;
}

std::optional<Campaign> find(Tx& tx, int64_t id) {
    return find_with_progress(tx, id);
}

Campaign pause(Tx& tx, int64_t id, const audit::Actor& actor) {
    auto campaign = set_status(tx, id, "paused");
    audit::record(tx, actor, "campaign_paused", "campaign " + std::to_string(id));
    return campaign;
}

Campaign resume(Tx& tx, int64_t id, const audit::Actor& actor) {
    auto campaign = set_status(tx, id, "active");
    audit::record(tx, actor, "campaign_resumed", "campaign " + std::to_string(id));
    return campaign;
}

Preview preview(Tx& tx, const PreviewRequest& request, const Config& config) {
    const auto body = text_body(tx, request.text);
    const auto params = audience_params(request.audience);
    Preview out;
    out.recipients = tx.exec_params(kCountAudience, params)[0][0].as<int64_t>();
    std::optional<int64_t> contact_id;
    if (request.contact_id) {
        if (tx.exec_params(kInAudience, with(params, param(*request.contact_id))).empty()) {
            throw invalid("contactId", "is not one of the recipients");
        }
        contact_id = request.contact_id;
    } else if (const auto first = tx.exec_params(kFirstOfAudience, params); !first.empty()) {
        contact_id = first[0][0].as<int64_t>();
    }
    if (!contact_id) return out;
    const auto contact = contacts::find(tx, *contact_id);
    if (!contact) return out;
    send::Request send_request;
    send_request.contact_id = contact->id;
    send_request.template_body = body;
    send_request.automated = true;
    const auto decision = send::decide(tx, send_request, *contact, config);
    std::optional<std::string> reason;
    if (decision.refusal) {
        if (const auto why = skip_reason(*decision.refusal)) reason = std::string(*why);
    }
    out.recipient = RecipientPreview{.contact_id = contact->id,
                                     .first_name = contact->first_name,
                                     .last_name = contact->last_name,
                                     .phone = contact->phone,
                                     .body = decision.body,
                                     .count = decision.count,
                                     .skip_reason = reason};
    return out;
}

RecipientPage recipients(Tx& tx, int64_t id, const RecipientsQuery& query) {
    if (tx.exec(kFind, id).empty()) throw no_campaign(id);
    RecipientPage page;
    // One more than a page: `next` only when there is one.
    const auto rows = tx.exec(kRecipients, id, query.after, query.status, query.limit + 1);
    for (const auto& row : rows) {
        if (static_cast<int64_t>(page.recipients.size()) == query.limit) {
            page.next = page.recipients.back().id;
            break;
        }
        page.recipients.push_back(
            {.id = row[0].as<int64_t>(),
             .contact_id = nullable<int64_t>(row[1]),
             .first_name = row[2].is_null() ? "" : row[2].as<std::string>(),
             .last_name = row[3].is_null() ? "" : row[3].as<std::string>(),
             .phone = nullable(row[4]),
             .status = row[5].as<std::string>(),
             .skip_reason = nullable(row[6]),
             .message_id = nullable<int64_t>(row[7]),
             .error = row[8].is_null() ? json(nullptr) : json::parse(row[8].as<std::string>())});
    }
    return page;
}

}  // namespace textus::campaign
