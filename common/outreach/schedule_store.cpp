#include "common/outreach/schedule_store.h"

#include "common/contacts/contact_store.h"
#include "common/core/crypto.h"
#include "common/core/error.h"
#include "common/db/db.h"

namespace textus::schedule {

namespace {

using nlohmann::json;

const std::string kColumns =
    "id, contact_id, body, template_id, media_urls::text, rfc3339(send_at), status, message_id,"
    " error::text, created_by, rfc3339(created_at)";
const Statement kWhen{
    "schedule_when",
    "SELECT $1::timestamptz <= now(), $1::timestamptz > now() + interval '1 year'"};
const Statement kByKey{"schedule_by_key", "SELECT " + kColumns +
                                              ", request_digest FROM scheduled_sends"
                                              " WHERE idempotency_key = $1"};
const Statement kInsert{
    "schedule_insert",
    "INSERT INTO scheduled_sends (contact_id, body, template_id, media_urls, send_at, created_by,"
    " idempotency_key, request_digest) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)"
    " RETURNING " +
        kColumns};
const Statement kList{"schedule_list", "SELECT " + kColumns +
                                           " FROM scheduled_sends WHERE $1::text IS NULL OR"
                                           " status = $1 ORDER BY send_at, id LIMIT 1000"};
const Statement kLock{"schedule_lock",
                      "SELECT " + kColumns + " FROM scheduled_sends WHERE id = $1 FOR UPDATE"};
const Statement kCancel{"schedule_cancel",
                        "UPDATE scheduled_sends SET status = 'canceled', updated_at = now()"
                        " WHERE id = $1 RETURNING " +
                            kColumns};

// The next due send, or one whose worker's claim ran out; rows another worker holds are
// skipped, not waited for.
const Statement kClaim{"schedule_claim",
                       "UPDATE scheduled_sends SET status = 'sending', updated_at = now(),"
                       " claimed_until = now() + make_interval(secs => $1) WHERE id = ("
                       "  SELECT id FROM scheduled_sends"
                       "  WHERE (status = 'scheduled' AND send_at <= now())"
                       "     OR (status = 'sending' AND claimed_until < now())"
                       "  ORDER BY send_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                       " RETURNING " +
                           kColumns};
const Statement kPhone{"schedule_phone", "SELECT phone FROM contacts WHERE id = $1"};
// Quiet hours in the recipient's zone: back to scheduled, for the morning.
const Statement kHold{"schedule_hold",
                      "UPDATE scheduled_sends SET status = 'scheduled', send_at = $2,"
                      " claimed_until = NULL, updated_at = now() WHERE id = $1"};
const Statement kFinish{"schedule_finish",
                        "UPDATE scheduled_sends SET status = $2, message_id = $3,"
                        " error = $4::jsonb, claimed_until = NULL, updated_at = now()"
                        " WHERE id = $1 AND status = 'sending'"};

Scheduled from_row(const pqxx::row& row) {
    return {.id = row[0].as<int64_t>(),
            .contact_id = row[1].as<int64_t>(),
            .body = row[2].as<std::string>(),
            .template_id = nullable<int64_t>(row[3]),
            .media_urls = json::parse(row[4].as<std::string>()).get<std::vector<std::string>>(),
            .send_at = row[5].as<std::string>(),
            .status = row[6].as<std::string>(),
            .message_id = nullable<int64_t>(row[7]),
            .error = row[8].is_null() ? json(nullptr) : json::parse(row[8].as<std::string>()),
            .created_by = row[9].as<std::string>(),
            .created_at = row[10].as<std::string>()};
}

HttpError invalid_send_at(const std::string& why) {
    return bad_request("invalid_field", "sendAt " + why, "sendAt");
}

std::string digest(const send::Request& request, const std::string& send_at) {
    return crypto::sha256_hex(request.digest() + " " + send_at);
}

}  // namespace

Scheduled create(Tx& tx, const send::Request& request, const std::string& send_at,
                 const Config& config, const std::string& staff) {
    if (request.opt_in_request) {
        throw bad_request("invalid_field", "An opt-in request goes at once: leave sendAt out",
                          "sendAt");
    }
    // An upload is kept a day unless a send takes it (common/media): a send due later would
    // find it gone.
    if (!request.media_ids.empty()) {
        throw bad_request("invalid_field",
                          "Uploaded pictures go at once: leave sendAt out, or schedule a "
                          "picture by its URL (mediaUrls)",
                          "mediaIds");
    }
    const auto when = tx.exec(kWhen, send_at)[0];
    if (when[0].as<bool>()) throw invalid_send_at("must be in the future");
    if (when[1].as<bool>()) throw invalid_send_at("must be at most a year ahead");
    if (request.idempotency_key) {
        if (const auto rows = tx.exec(kByKey, *request.idempotency_key); !rows.empty()) {
            if (rows[0][11].as<std::string>() != digest(request, send_at)) {
                throw send::idempotency_key_reused();
            }
            return from_row(rows[0]);
        }
    }
    // Decided now as a send would be; decided again when it goes.
    std::optional<contacts::Contact> contact;
    if (request.contact_id) {
        contact = contacts::lock(tx, *request.contact_id);
        if (!contact) throw not_found("No contact with id " + std::to_string(*request.contact_id));
    } else {
        contact = contacts::lock_by_phone(tx, *request.to);
    }
    // A number without a contact has no consent on record: refused as any such send.
    if (!contact) send::check_allowed(request, {});
    if (const auto decision = send::decide(tx, request, *contact, config); decision.refusal) {
        throw *decision.refusal;
    }
    const auto key = request.idempotency_key;
    return from_row(tx.exec(kInsert, contact->id, request.body, request.template_id,
                            json(request.media_urls).dump(), send_at, staff, key,
                            key ? std::optional(digest(request, send_at)) : std::nullopt)[0]);
}

std::vector<Scheduled> list(Tx& tx, const std::optional<std::string>& status) {
    std::vector<Scheduled> out;
    for (const auto& row : tx.exec(kList, status)) out.push_back(from_row(row));
    return out;
}

Scheduled cancel(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kLock, id);
    if (rows.empty()) throw not_found("No scheduled send with id " + std::to_string(id));
    const auto status = rows[0][6].as<std::string>();
    if (status != "scheduled") {
        throw conflict("not_cancelable", "This send is " + status +
                                             ": only a scheduled one can "
                                             "be canceled");
    }
    return from_row(tx.exec(kCancel, id)[0]);
}

std::optional<Scheduled> claim_due(Tx& tx, int claim_seconds) {
    const auto rows = tx.exec(kClaim, claim_seconds);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

std::string recipient_phone(Tx& tx, const Scheduled& s) {
    return tx.exec(kPhone, s.contact_id)[0][0].as<std::string>();
}

void hold(Tx& tx, int64_t id, const std::string& until) {
    tx.exec(kHold, id, until);
}

void finish(Tx& tx, int64_t id, const std::string& status, std::optional<int64_t> message_id,
            const json& error) {
    tx.exec(kFinish, id, status, message_id, error.is_null() ? std::nullopt : Param(error.dump()));
}

}  // namespace textus::schedule
