#include "common/messages/message_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "common/contacts/contact_store.h"
#include "common/core/config.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/phone.h"
#include "common/core/text.h"
#include "common/db/db.h"
#include "common/media/media_store.h"
#include "common/messages/message_status.h"
#include "common/messages/message_store.h"

namespace textus::sync {

namespace {

using nlohmann::json;

constexpr size_t kMaxPhoneLength = 40;  // as a contact's phone

const std::string kStoredColumns =
    "id, sid, contact_id, from_number, status, error_code, error_message, segments, price,"
    " price_unit, twilio_created_at IS NOT NULL, delivered_at IS NOT NULL";

const Statement kStoredSids{"sync_stored_sids",
                            "SELECT sid FROM messages WHERE sid = ANY($1::text[])"};
const Statement kLockBySid{"sync_lock_by_sid",
                           "SELECT " + kStoredColumns + " FROM messages WHERE sid = $1 FOR UPDATE"};
// A send that died after Twilio accepted it and before its SID was stored (messages_to_idx).
const Statement kLockUnsent{"sync_lock_unsent",
                            "SELECT " + kStoredColumns +
                                " FROM messages WHERE direction = 'outbound' AND to_number = $1"
                                " AND sid IS NULL AND status IN ('queued', 'accepted')"
                                " AND body = $2 ORDER BY created_at, id LIMIT 1 FOR UPDATE"};
// Messages newer than this were missed: the contact's latest message, or its creation.
const Statement kMissedAfter{"sync_missed_after",
                             "SELECT coalesce(last_message_at, created_at) FROM contacts"
                             " WHERE id = $1"};
const Statement kInsert{
    "sync_insert",
    "INSERT INTO messages (sid, contact_id, direction, channel, from_number, to_number, body,"
    " media_urls, media_types, status, error_code, error_message, segments, price, price_unit,"
    " created_at, twilio_created_at, delivered_at, read_at)"
    " VALUES ($1, $2, $3, 'sms', $4, $5, $6, $7::jsonb, $17::jsonb, $8, $9, $10, $11, $12, $13,"
    " $14::timestamptz, $14::timestamptz, $15::timestamptz,"
    " CASE WHEN $3 = 'inbound' AND ($16::timestamptz IS NULL OR $14::timestamptz <= $16)"
    "      THEN now() END)"
    " ON CONFLICT (sid) DO NOTHING RETURNING id"};
// A claimed send is one Twilio accepted: its unknown outcome (send_error) is settled, as the send
// route's own record_accepted does.
const Statement kUpdate{
    "sync_update",
    "UPDATE messages SET sid = $2, contact_id = $3, from_number = $4, status = $5,"
    " error_code = $6, error_message = $7, segments = $8, price = $9, price_unit = $10,"
    " twilio_created_at = coalesce(twilio_created_at, $11::timestamptz),"
    " delivered_at = CASE WHEN $12 THEN coalesce(delivered_at, $13::timestamptz)"
    "                ELSE delivered_at END,"
    " send_error = CASE WHEN $14 THEN NULL ELSE send_error END"
    " WHERE id = $1"};

HttpError invalid(const std::string& field, const std::string& message) {
    return bad_request("invalid_field", message, field);
}

// PostgreSQL's text cannot hold a NUL.
bool storable(std::string_view text) {
    return text.find('\0') == std::string_view::npos;
}

std::optional<std::string> unless_empty(const std::string& value) {
    return value.empty() ? std::nullopt : std::optional(value);
}

Stored stored_from_row(const pqxx::row& row) {
    return {.id = row[0].as<int64_t>(),
            .sid = nullable(row[1]),
            .contact_id = nullable<int64_t>(row[2]),
            .from = row[3].as<std::string>(),
            .status = row[4].as<std::string>(),
            .error_code = nullable<int>(row[5]),
            .error_message = nullable(row[6]),
            .segments = nullable<int>(row[7]),
            .price = nullable(row[8]),
            .price_unit = nullable(row[9]),
            .has_twilio_created_at = row[10].as<bool>(),
            .has_delivered_at = row[11].as<bool>()};
}

HttpError no_contact(int64_t id) {
    return not_found("No contact with id " + std::to_string(id));
}

// Our own number is no customer: its lists are the whole account's, not one contact's.
bool own_number(const Config& config, const std::string& phone) {
    return phone == config.twilio_phone_number;
}

}  // namespace

Request parse_request(const json& body, std::string_view default_region) {
    const auto given = [&](const char* name) -> const json* {
        const auto it = body.find(name);
        return it == body.end() || it->is_null() ? nullptr : &*it;
    };
    const char* what = nullptr;  // the field that names what to sync
    for (const char* name : {"contactId", "phoneNumber", "messageSid"}) {
        if (!given(name)) continue;
        if (what) {
            throw invalid(name, std::string("Give one of contactId, phoneNumber and messageSid,"
                                            " not both ") +
                                    what + " and " + name);
        }
        what = name;
    }
    if (!what) {
        throw bad_request("missing_field", "contactId, phoneNumber or messageSid is required",
                          "contactId");
    }
    Request r;
    if (const auto* v = given("contactId")) {
        r.contact_id = fields::id(*v, "contactId", "a contact's id");
    }
    if (const auto* v = given("phoneNumber")) {
        if (!v->is_string()) throw invalid("phoneNumber", "phoneNumber must be a string");
        const auto trimmed = text::trim(v->get<std::string>());
        auto parsed = text::length(trimmed) > kMaxPhoneLength
                          ? phone::Parsed{{}, "phoneNumber is too long to be a phone number"}
                          : phone::parse(trimmed, default_region);
        if (!parsed.e164) throw bad_request("invalid_phone", parsed.problem, "phoneNumber");
        r.phone = std::move(parsed.e164);
    }
    if (const auto* v = given("messageSid")) {
        if (!v->is_string() || !twilio::valid_message_sid(v->get<std::string>())) {
            throw invalid("messageSid", "messageSid must be SM or MM and 32 hex digits");
        }
        r.message_sid = v->get<std::string>();
    }
    if (const auto* v = given("limit")) {
        if (!v->is_number_integer() || v->get<int64_t>() < 1 || v->get<int64_t>() > kMaxLimit) {
            throw invalid("limit",
                          "limit must be a whole number from 1 to " + std::to_string(kMaxLimit));
        }
        r.limit = v->get<int>();
    }
    return r;
}

std::optional<std::string> direction_of(std::string_view twilio_direction) {
    if (twilio_direction == "inbound") return "inbound";
    if (twilio_direction.starts_with("outbound-") && twilio_direction.size() > 9) {
        return "outbound";
    }
    return std::nullopt;
}

std::optional<Imported> from_twilio(const twilio::Message& m) {
    const auto direction = direction_of(m.direction);
    const auto created_at = twilio::to_rfc3339(m.date_created);
    if (!twilio::valid_message_sid(m.sid) || !direction || !created_at) return std::nullopt;
    for (const auto* text :
         {&m.from, &m.to, &m.body, &m.status, &m.error_message, &m.price, &m.price_unit}) {
        if (!storable(*text)) return std::nullopt;
    }
    Imported out{.sid = m.sid,
                 .direction = *direction,
                 .from = m.from,
                 .to = m.to,
                 .body = m.body,
                 .status = m.status,
                 .error_code = m.error_code ? std::optional(m.error_code) : std::nullopt,
                 .error_message = unless_empty(m.error_message),
                 .segments = m.num_segments > 0 ? std::optional(m.num_segments) : std::nullopt,
                 .created_at = *created_at,
                 .num_media = m.num_media};
    // Twilio names a unit before it bills anything: the unit alone says nothing.
    if (!m.price.empty()) {
        out.price = m.price;
        out.price_unit = unless_empty(m.price_unit);
    }
    // Twilio has no delivery time; a delivered message's last update is its delivery.
    if (m.status == "delivered") {
        out.delivered_at = twilio::to_rfc3339(m.date_updated).value_or(*created_at);
    }
    return out;
}

Merged merge(const std::vector<twilio::Message>& to_number,
             const std::vector<twilio::Message>& from_number, int limit) {
    Merged out;
    std::unordered_map<std::string, size_t> position;
    for (const auto* list : {&to_number, &from_number}) {
        for (const auto& message : *list) {
            auto imported = from_twilio(message);
            if (!imported) {
                ++out.skipped;
                continue;
            }
            const auto [it, fresh] = position.try_emplace(imported->sid, out.messages.size());
            if (fresh) {
                out.messages.push_back(std::move(*imported));
            } else if (message_status::moves_forward(out.messages[it->second].status,
                                                     imported->status)) {
                // Listed twice while its status changed: the later word.
                out.messages[it->second] = std::move(*imported);
            }
        }
    }
    std::sort(out.messages.begin(), out.messages.end(), [](const auto& a, const auto& b) {
        return std::tie(a.created_at, a.sid) > std::tie(b.created_at, b.sid);
    });
    if (out.messages.size() > static_cast<size_t>(std::max(limit, 0))) {
        out.messages.resize(std::max(limit, 0));
    }
    return out;
}

std::optional<std::string> customer_phone(const Imported& message) {
    const auto& party = message.direction == "inbound" ? message.from : message.to;
    if (!phone::is_e164(party)) return std::nullopt;
    return party;
}

std::optional<Stored> refresh(const Stored& stored, const Imported& twilio,
                              std::optional<int64_t> contact_id) {
    Stored next = stored;
    if (!next.sid) next.sid = twilio.sid;
    if (!next.contact_id) next.contact_id = contact_id;
    if (!twilio.from.empty()) next.from = twilio.from;
    if (message_status::moves_forward(stored.status, twilio.status)) {
        next.status = twilio.status;
        if (twilio.error_code) next.error_code = twilio.error_code;
        if (twilio.error_message) next.error_message = twilio.error_message;
    } else if (stored.status == twilio.status) {
        if (!next.error_code) next.error_code = twilio.error_code;
        if (!next.error_message) next.error_message = twilio.error_message;
    }
    if (twilio.segments) next.segments = twilio.segments;
    if (twilio.price) {
        next.price = twilio.price;
        next.price_unit = twilio.price_unit;
    }
    next.has_twilio_created_at = true;
    if (next.status == "delivered" && twilio.delivered_at) next.has_delivered_at = true;
    if (next == stored) return std::nullopt;
    return next;
}

std::unordered_set<std::string> stored_sids(Tx& tx, const std::vector<std::string>& sids) {
    std::unordered_set<std::string> out;
    for (const auto& row : tx.exec(kStoredSids, sids)) out.insert(row[0].as<std::string>());
    return out;
}

Applied apply(Tx& tx, const std::vector<Imported>& messages, std::optional<int64_t> contact_id) {
    Applied applied;
    applied.ids.resize(messages.size());
    std::optional<std::string> missed_after;
    if (contact_id) missed_after = nullable(tx.exec(kMissedAfter, *contact_id)[0][0]);
    // Oldest first: ids grow with time, as they do for messages that arrive one by one.
    for (size_t i = messages.size(); i-- > 0;) {
        const auto& m = messages[i];
        auto rows = tx.exec(kLockBySid, m.sid);
        if (rows.empty() && m.direction == "outbound") rows = tx.exec(kLockUnsent, m.to, m.body);
        if (rows.empty()) {
            rows = tx.exec(kInsert, m.sid, contact_id, m.direction, m.from, m.to, m.body,
                           json(m.media_urls).dump(), m.status, m.error_code, m.error_message,
                           m.segments, m.price, m.price_unit, m.created_at, m.delivered_at,
                           missed_after, json(m.media_types).dump());
            if (!rows.empty()) {
                applied.ids[i] = rows[0][0].as<int64_t>();
                ++applied.inserted;
                // Twilio's media ask for the account's credentials: the worker fetches copies.
                if (!m.media_urls.empty()) media::queue(tx, applied.ids[i]);
                if (contact_id) messages::make_latest(tx, applied.ids[i]);
                continue;
            }
            // Stored meanwhile, by a status callback that brought its SID: refresh that row.
            rows = tx.exec(kLockBySid, m.sid);
        }
        const auto stored = stored_from_row(rows[0]);
        applied.ids[i] = stored.id;
        const auto next = refresh(stored, m, contact_id);
        if (!next) continue;
        tx.exec(kUpdate, next->id, next->sid, next->contact_id, next->from, next->status,
                next->error_code, next->error_message, next->segments, next->price,
                next->price_unit, m.created_at, next->has_delivered_at, m.delivered_at,
                !stored.sid);
        ++applied.updated;
        if (contact_id && next->contact_id == contact_id) messages::make_latest(tx, next->id);
    }
    return applied;
}

namespace {

// The media (URLs and types) of the MMS among `messages` that we have not stored: one Twilio
// call each, so none for what we have.
void fetch_media(Db& db, twilio::Client& client, std::vector<Imported>& messages) {
    std::vector<std::string> sids;
    for (const auto& m : messages) {
        if (m.num_media > 0) sids.push_back(m.sid);
    }
    if (sids.empty()) return;
    const auto stored = db.transact([&](Tx& tx) { return stored_sids(tx, sids); });
    for (auto& m : messages) {
        if (m.num_media == 0 || stored.contains(m.sid)) continue;
        twilio::Message mms;
        mms.sid = m.sid;
        mms.num_media = m.num_media;
        for (auto& medium : client.media(mms)) {
            m.media_urls.push_back(std::move(medium.url));
            m.media_types.push_back(std::move(medium.content_type));
        }
    }
}

Outcome sync_number(Db& db, const Config& config, const Request& r) {
    auto phone = r.phone;
    if (r.contact_id) {
        const auto contact = db.transact([&](Tx& tx) { return contacts::find(tx, *r.contact_id); });
        if (!contact) throw no_contact(*r.contact_id);
        phone = contact->phone;
    }
    if (own_number(config, *phone)) {
        throw bad_request("invalid_phone", "That is this business's own Twilio number",
                          r.contact_id ? "contactId" : "phoneNumber");
    }
    twilio::Client client(config);
    auto merged = merge(client.list_messages({.to = *phone, .limit = r.limit}),
                        client.list_messages({.from = *phone, .limit = r.limit}), r.limit);
    if (merged.skipped) {
        spdlog::warn("sync: skipped {} of Twilio's messages: no message SID, direction or date",
                     merged.skipped);
    }
    fetch_media(db, client, merged.messages);
    Outcome out;
    out.fetched = merged.messages.size();
    db.transact([&](Tx& tx) {
        if (r.contact_id) {
            const auto contact = contacts::lock(tx, *r.contact_id);
            if (!contact) throw no_contact(*r.contact_id);
            if (contact->phone != *phone) {
                throw conflict("conflict",
                               "The contact's phone changed during the sync; run it again");
            }
            out.contact_id = contact->id;
        } else if (!merged.messages.empty()) {
            out.contact_id = contacts::lock_or_create_by_phone(tx, *phone, "sync").id;
        }
        out.applied = apply(tx, merged.messages, out.contact_id);
    });
    return out;
}

Outcome sync_message(Db& db, const Config& config, const std::string& sid) {
    twilio::Client client(config);
    auto imported = from_twilio(client.fetch_message(sid));
    if (!imported) {
        throw twilio::TwilioError(502, "twilio_unavailable",
                                  "Twilio's copy of the message is not one we can store");
    }
    std::vector<Imported> one{std::move(*imported)};
    fetch_media(db, client, one);
    auto phone = customer_phone(one[0]);
    if (phone && own_number(config, *phone)) phone.reset();
    Outcome out;
    out.fetched = 1;
    db.transact([&](Tx& tx) {
        if (phone) out.contact_id = contacts::lock_or_create_by_phone(tx, *phone, "sync").id;
        out.applied = apply(tx, one, out.contact_id);
        out.message = messages::find_many(tx, out.applied.ids).at(0);
    });
    return out;
}

}  // namespace

Outcome run(Db& db, const Config& config, const Request& request) {
    auto out = request.message_sid ? sync_message(db, config, *request.message_sid)
                                   : sync_number(db, config, request);
    spdlog::info("sync: contact {}: fetched {}, inserted {}, updated {}",
                 out.contact_id ? std::to_string(*out.contact_id) : "none", out.fetched,
                 out.applied.inserted, out.applied.updated);
    return out;
}

}  // namespace textus::sync
