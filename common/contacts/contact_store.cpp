#include "common/contacts/contact_store.h"

#include <unordered_map>

#include "common/core/error.h"
#include "common/db/db.h"
#include "common/http/audit.h"

namespace textus::contacts {

namespace {

using nlohmann::json;

const std::string kSelect =
    "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.birthdate::text, c.status,"
    " c.tags::text, c.notes, c.source, c.sms_opt_in, rfc3339(c.opted_out_at),"
    " c.commerce7_customer_id, c.address::text, c.email_opt_in, c.call_opt_in,"
    " c.preferred_contact_method, c.interests::text, c.assigned_agent,"
    " rfc3339(c.last_contact_at), c.last_contact_method, rfc3339(c.created_at),"
    " rfc3339(c.updated_at), rfc3339(consent.created_at), consent.ip, consent.detail,"
    " consent.source, consent.verified_by, c.possible_opt_out_id, consent.language, c.language"
    " FROM contacts c LEFT JOIN LATERAL ("
    "  SELECT e.created_at, e.ip, e.detail, e.source, e.verified_by, e.language"
    "  FROM consent_events e"
    "  WHERE e.contact_id = c.id AND e.phone = c.phone AND e.kind = 'opt_in'"
    "  ORDER BY e.created_at DESC, e.id DESC LIMIT 1) consent ON true";

// Status and opt-in filters, numbered from $n; a NULL parameter does not filter.
std::string filters(int n) {
    const auto p = [&](int i) { return "$" + std::to_string(n + i); };
    return " AND (" + p(0) + "::text IS NULL OR c.status = " + p(0) + ") AND (" + p(1) +
           "::boolean IS NULL OR c.sms_opt_in = " + p(1) + ")";
}

// A search gets its own statements: a generic plan for "$1 IS NULL OR LIKE $1" could not use
// the trigram index. lower() here, as in search_text, folds case in every alphabet.
const Statement kListSearch{"contacts_list_search",
                            kSelect + " WHERE c.search_text LIKE lower($1)" + filters(2) +
                                " ORDER BY c.id DESC LIMIT $4 OFFSET $5"};
const Statement kCountSearch{
    "contacts_count_search",
    "SELECT count(*) FROM contacts c WHERE c.search_text LIKE lower($1)" + filters(2)};
const Statement kListAll{"contacts_list_all", kSelect + " WHERE true" + filters(1) +
                                                  " ORDER BY c.id DESC LIMIT $3 OFFSET $4"};
const Statement kCountAll{"contacts_count_all",
                          "SELECT count(*) FROM contacts c WHERE true" + filters(1)};
const Statement kExportSearch{"contacts_export_search",
                              kSelect + " WHERE c.search_text LIKE lower($1)" + filters(2) +
                                  " AND c.id > $4 ORDER BY c.id LIMIT $5"};
const Statement kExportAll{"contacts_export_all", kSelect + " WHERE true" + filters(1) +
                                                      " AND c.id > $3 ORDER BY c.id LIMIT $4"};
const Statement kExists{"contacts_exists", "SELECT 1 FROM contacts WHERE id = $1"};
const Statement kFind{"contacts_find", kSelect + " WHERE c.id = $1"};
const Statement kFindMany{"contacts_find_many", kSelect + " WHERE c.id = ANY($1::bigint[])"};
const Statement kLock{"contacts_lock", kSelect + " WHERE c.id = $1 FOR UPDATE OF c"};
// When a number is not being opted in, it is opted out if its latest opt-in or opt-out on
// record, under any contact, is an opt-out: consent belongs to the number.
std::string number_opted_out_at(const std::string& phone) {
    return "(SELECT CASE WHEN e.kind = 'opt_out' THEN e.created_at END FROM consent_events e"
           " WHERE e.phone = " +
           phone +
           " AND e.kind IN ('opt_in', 'opt_out') ORDER BY e.created_at DESC, e.id DESC LIMIT 1)";
}
const Statement kPhoneOwner{"contacts_phone_owner",
                            "SELECT id FROM contacts WHERE phone = $1 AND id <> $2"};
const Statement kInsert{
    "contacts_insert",
    "INSERT INTO contacts (first_name, last_name, email, phone, birthdate, status, tags, notes,"
    " source, sms_opt_in, opted_out_at, address, email_opt_in, call_opt_in,"
    " preferred_contact_method, interests, assigned_agent, last_contact_at, last_contact_method)"
    " VALUES ($1, $2, $3, $4, $5::date, $6, $7::jsonb, $8, $9, $10,"
    " CASE WHEN $10 THEN NULL ELSE " +
        number_opted_out_at("$4") +
        " END, $11::jsonb, $12, $13, $14, $15::jsonb, $16, $17::timestamptz, $18)"
        " ON CONFLICT (phone) DO NOTHING RETURNING id"};
const Statement kUpdate{
    "contacts_update",
    "UPDATE contacts SET first_name = $2, last_name = $3, email = $4, phone = $5,"
    " birthdate = $6::date, status = $7, tags = $8::jsonb, notes = $9, source = $10,"
    " sms_opt_in = $11,"
    " possible_opt_out_id = CASE WHEN sms_opt_in = $11 THEN possible_opt_out_id END,"
    " opted_out_at = CASE WHEN $11 THEN NULL"
    "                     WHEN phone <> $5 THEN " +
        number_opted_out_at("$5") +
        "                     WHEN sms_opt_in THEN now() ELSE opted_out_at END,"
        " address = $12::jsonb, email_opt_in = $13, call_opt_in = $14,"
        " preferred_contact_method = $15, interests = $16::jsonb, assigned_agent = $17,"
        " last_contact_at = $18::timestamptz, last_contact_method = $19, updated_at = now()"
        " WHERE id = $1"};
const Statement kLockByPhone{"contacts_lock_by_phone",
                             kSelect + " WHERE c.phone = $1 FOR UPDATE OF c"};
const Statement kInsertByPhone{
    "contacts_insert_by_phone",
    "INSERT INTO contacts (first_name, last_name, phone, source, opted_out_at)"
    " VALUES ('', '', $1, $2, " +
        number_opted_out_at("$1") + ") ON CONFLICT (phone) DO NOTHING"};
// A web lead fills only what the contact lacks: whoever types a number must not rename its
// contact or change its email.
const Statement kFillWebLead{
    "contacts_fill_web_lead",
    "UPDATE contacts SET first_name = CASE WHEN first_name = '' THEN $2 ELSE first_name END,"
    " last_name = CASE WHEN last_name = '' THEN $3 ELSE last_name END,"
    " email = coalesce(email, $4), birthdate = coalesce(birthdate, $5::date),"
    " updated_at = now() WHERE id = $1"};
const Statement kDelete{"contacts_delete", "DELETE FROM contacts WHERE id = $1 RETURNING id"};
const Statement kConsentEvent{
    "contacts_consent_event",
    "INSERT INTO consent_events (contact_id, phone, kind, source, detail, ip, verified_by,"
    " language, birthdate) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date)"};

// Many contacts in one statement (an import): the columns as arrays, "" for NULL.
const Statement kInsertMany{
    "contacts_insert_many",
    "INSERT INTO contacts (first_name, last_name, email, phone, birthdate, status, tags, notes,"
    " source, sms_opt_in, opted_out_at)"
    " SELECT v.first_name, v.last_name, nullif(v.email, ''), v.phone, nullif(v.birthdate, "
    "'')::date,"
    " v.status, v.tags::jsonb, v.notes, v.source, v.opt_in::boolean,"
    " CASE WHEN v.opt_in::boolean THEN NULL WHEN v.opt_out::boolean THEN now() ELSE " +
        number_opted_out_at("v.phone") +
        " END FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
        " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])"
        " AS v (first_name, last_name, email, phone, birthdate, status, tags, notes, source, "
        "opt_in,"
        " opt_out)"
        " ON CONFLICT (phone) DO NOTHING RETURNING id, phone"};
const Statement kLockByPhones{"contacts_lock_by_phones",
                              kSelect + " WHERE c.phone = ANY($1::text[]) FOR UPDATE OF c"};
// The numbers among $1 whose latest opt-in or opt-out, under any contact, is an opt-out.
const Statement kOptedOutNumbers{"contacts_opted_out_numbers",
                                 "SELECT p.phone FROM unnest($1::text[]) AS p (phone) WHERE " +
                                     number_opted_out_at("p.phone") + " IS NOT NULL"};
const Statement kConsentEvents{
    "contacts_consent_events",
    "INSERT INTO consent_events (contact_id, phone, kind, source, detail, ip)"
    " SELECT v.id::bigint, v.phone, v.kind, v.source, v.detail, nullif(v.ip, '')"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])"
    " AS v (id, phone, kind, source, detail, ip)"};

Contact from_row(const pqxx::row& row) {
    Contact c;
    c.id = row[0].as<int64_t>();
    c.first_name = row[1].as<std::string>();
    c.last_name = row[2].as<std::string>();
    c.email = nullable(row[3]);
    c.phone = row[4].as<std::string>();
    c.birthdate = nullable(row[5]);
    c.status = row[6].as<std::string>();
    c.tags = json::parse(row[7].as<std::string>()).get<std::vector<std::string>>();
    c.notes = row[8].as<std::string>();
    c.source = row[9].as<std::string>();
    c.sms_opt_in = row[10].as<bool>();
    c.opted_out_at = nullable(row[11]);
    c.commerce7_customer_id = nullable(row[12]);
    c.address = row[13].is_null() ? json(nullptr) : json::parse(row[13].as<std::string>());
    c.email_opt_in = row[14].as<bool>();
    c.call_opt_in = row[15].as<bool>();
    c.preferred_contact_method = nullable(row[16]);
    c.interests = row[17].is_null() ? json(nullptr) : json::parse(row[17].as<std::string>());
    c.assigned_agent = nullable(row[18]);
    c.last_contact_at = nullable(row[19]);
    c.last_contact_method = nullable(row[20]);
    c.created_at = row[21].as<std::string>();
    c.updated_at = row[22].as<std::string>();
    if (!row[23].is_null()) {
        c.consent = Consent{row[23].as<std::string>(), nullable(row[24]), nullable(row[25]),
                            row[26].as<std::string>(), nullable(row[27]), nullable(row[29])};
    }
    if (!row[28].is_null()) c.possible_opt_out_id = row[28].as<int64_t>();
    c.language = nullable(row[30]);
    return c;
}

std::optional<std::string> json_text(const json& value) {
    if (value.is_null()) return std::nullopt;
    return value.dump();
}

HttpError duplicate_phone(const std::string& phone, int64_t owner) {
    return conflict("duplicate_phone",
                    "Contact " + std::to_string(owner) + " already has phone number " + phone,
                    "phone");
}

// The consent event of a write from `stored` (nullptr: a new contact) to `contact`, if any.
void record_consent(Tx& tx, int64_t id, const Contact* stored, const Contact& contact,
                    const Actor& actor) {
    const auto change = consent_change(stored, contact);
    if (change == ConsentChange::none) return;
    const char* kind = change == ConsentChange::opt_in    ? "opt_in"
                       : change == ConsentChange::opt_out ? "opt_out"
                                                          : "phone_changed";
    auto detail = actor.detail;
    if (change == ConsentChange::phone_changed) {
        detail = "phone changed from " + stored->phone + " by " + actor.detail +
                 "; that number's consent does not carry over";
    }
    auto changed_by = actor;
    changed_by.detail = detail;
    log_consent_event(tx, id, contact.phone, kind, changed_by);
}

}  // namespace

Page list(Tx& tx, const ListQuery& q) {
    Page page;
    tx.plan_for_values();
    const auto rows = q.search_pattern ? tx.exec(kListSearch, *q.search_pattern, q.status,
                                                 q.sms_opt_in, q.limit, q.skip)
                                       : tx.exec(kListAll, q.status, q.sms_opt_in, q.limit, q.skip);
    for (const auto& row : rows) page.contacts.push_back(from_row(row));
    const auto count = q.search_pattern
                           ? tx.exec(kCountSearch, *q.search_pattern, q.status, q.sms_opt_in)
                           : tx.exec(kCountAll, q.status, q.sms_opt_in);
    page.total = count[0][0].as<int64_t>();
    return page;
}

std::optional<Contact> find(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kFind, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

bool exists(Tx& tx, int64_t id) {
    return !tx.exec(kExists, id).empty();
}

std::vector<Contact> find_many(Tx& tx, const std::vector<int64_t>& ids) {
    std::vector<Contact> out;
    for (const auto& row : tx.exec(kFindMany, ids)) out.push_back(from_row(row));
    return out;
}

Contact create(Tx& tx, const Contact& c, const Actor& actor) {
    const auto inserted =
        tx.exec(kInsert, c.first_name, c.last_name, c.email, c.phone, c.birthdate, c.status,
                json(c.tags).dump(), c.notes, c.source, c.sms_opt_in, json_text(c.address),
                c.email_opt_in, c.call_opt_in, c.preferred_contact_method, json_text(c.interests),
                c.assigned_agent, c.last_contact_at, c.last_contact_method);
    if (inserted.empty()) {
        const auto owner = tx.exec(kPhoneOwner, c.phone, int64_t{0});
        throw duplicate_phone(c.phone, owner.empty() ? 0 : owner[0][0].as<int64_t>());
    }
    const auto id = inserted[0][0].as<int64_t>();
    record_consent(tx, id, nullptr, c, actor);
    return *find(tx, id);
}

std::optional<Contact> lock(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kLock, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

Contact update(Tx& tx, const Contact& stored, const Contact& c, const Actor& actor) {
    const auto id = stored.id;
    if (const auto owner = tx.exec(kPhoneOwner, c.phone, id); !owner.empty()) {
        throw duplicate_phone(c.phone, owner[0][0].as<int64_t>());
    }
    tx.exec(kUpdate, id, c.first_name, c.last_name, c.email, c.phone, c.birthdate, c.status,
            json(c.tags).dump(), c.notes, c.source, c.sms_opt_in, json_text(c.address),
            c.email_opt_in, c.call_opt_in, c.preferred_contact_method, json_text(c.interests),
            c.assigned_agent, c.last_contact_at, c.last_contact_method);
    record_consent(tx, id, &stored, c, actor);
    return *find(tx, id);
}

std::optional<Contact> lock_by_phone(Tx& tx, const std::string& phone) {
    const auto rows = tx.exec(kLockByPhone, phone);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

Contact lock_or_create_by_phone(Tx& tx, const std::string& phone, const std::string& source) {
    // Most senders are known: one round trip. A first message inserts, then locks; a sender
    // inserted meanwhile by another transaction is found by the lock after its commit.
    if (auto known = lock_by_phone(tx, phone)) return *known;
    tx.exec(kInsertByPhone, phone, source);
    return from_row(tx.exec(kLockByPhone, phone)[0]);
}

Contact fill_web_lead(Tx& tx, const Contact& locked, const WebLead& lead) {
    tx.exec(kFillWebLead, locked.id, lead.first_name, lead.last_name, lead.email, lead.birthdate);
    return *find(tx, locked.id);
}

void log_consent_event(Tx& tx, int64_t id, const std::string& phone, std::string_view kind,
                       const Actor& actor) {
    const auto or_null = [](const std::string& value) {
        return value.empty() ? std::nullopt : Param(value);
    };
    tx.exec(kConsentEvent, id, phone, kind, actor.source, actor.detail, or_null(actor.ip),
            or_null(actor.verified_by), or_null(actor.language), or_null(actor.birthdate));
    // Staff's consent changes are in the audit log too, with every staff change an owner answers
    // for.
    if (actor.source == "staff") {
        audit::record(tx, {actor.detail, actor.ip}, "consent_changed",
                      "contact " + std::to_string(id), std::string(kind));
    }
}

std::vector<Contact> export_page(Tx& tx, const ListQuery& q, int64_t after, int limit) {
    std::vector<Contact> out;
    const auto rows = q.search_pattern ? tx.exec(kExportSearch, *q.search_pattern, q.status,
                                                 q.sms_opt_in, after, limit)
                                       : tx.exec(kExportAll, q.status, q.sms_opt_in, after, limit);
    for (const auto& row : rows) out.push_back(from_row(row));
    return out;
}

std::vector<Contact> lock_by_phones(Tx& tx, const std::vector<std::string>& phones) {
    std::vector<Contact> out;
    for (const auto& row : tx.exec(kLockByPhones, phones)) out.push_back(from_row(row));
    return out;
}

std::set<std::string> opted_out_numbers(Tx& tx, const std::vector<std::string>& phones) {
    std::set<std::string> out;
    for (const auto& row : tx.exec(kOptedOutNumbers, phones)) out.insert(row[0].as<std::string>());
    return out;
}

std::vector<int64_t> create_many(Tx& tx, const std::vector<Contact>& contacts) {
    std::vector<std::string> columns[11];
    for (const auto& c : contacts) {
        const std::string values[11] = {c.first_name,
                                        c.last_name,
                                        c.email.value_or(""),
                                        c.phone,
                                        c.birthdate.value_or(""),
                                        c.status,
                                        json(c.tags).dump(),
                                        c.notes,
                                        c.source,
                                        c.sms_opt_in ? "true" : "false",
                                        c.opted_out_at ? "true" : "false"};
        for (int i = 0; i < 11; ++i) columns[i].push_back(values[i]);
    }
    std::unordered_map<std::string, int64_t> id_of;
    for (const auto& row :
         tx.exec(kInsertMany, columns[0], columns[1], columns[2], columns[3], columns[4],
                 columns[5], columns[6], columns[7], columns[8], columns[9], columns[10])) {
        id_of[row[1].as<std::string>()] = row[0].as<int64_t>();
    }
    std::vector<int64_t> ids;
    for (const auto& c : contacts) {
        const auto it = id_of.find(c.phone);
        ids.push_back(it == id_of.end() ? 0 : it->second);
    }
    return ids;
}

void log_consent_events(Tx& tx, const std::vector<ConsentEvent>& events) {
    std::vector<std::string> columns[6];
    for (const auto& e : events) {
        const std::string values[6] = {std::to_string(e.contact_id),
                                       e.phone,
                                       e.kind,
                                       e.actor.source,
                                       e.actor.detail,
                                       e.actor.ip};
        for (int i = 0; i < 6; ++i) columns[i].push_back(values[i]);
    }
    tx.exec(kConsentEvents, columns[0], columns[1], columns[2], columns[3], columns[4], columns[5]);
}

bool remove(Tx& tx, int64_t id, const audit::Actor& actor) {
    if (tx.exec(kDelete, id).empty()) return false;
    audit::record(tx, actor, "contact_deleted", "contact " + std::to_string(id));
    return true;
}

}  // namespace textus::contacts
