#include "common/contacts/contact_import.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <unordered_map>

#include "common/contacts/contact_store.h"
#include "common/core/csv.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/phone.h"
#include "common/core/text.h"
#include "common/db/db.h"
#include "common/http/audit.h"

namespace textus::contacts {

namespace {

using nlohmann::json;

struct Field {
    Column column;
    const char* name;
    // Headers other programs write for it, lower-case, letters and digits only.
    std::vector<std::string_view> headers;
};
const std::vector<Field>& fields_of_file() {
    static const std::vector<Field> kFields = {
        {Column::first_name, "firstName", {"firstname", "first", "givenname", "forename", "name"}},
        {Column::last_name, "lastName", {"lastname", "last", "surname", "familyname"}},
        {Column::phone,
         "phone",
         {"phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "cell", "cellphone",
          "tel", "telephone", "sms", "number"}},
        {Column::email, "email", {"email", "emailaddress", "mail"}},
        {Column::birthdate, "birthdate", {"birthdate", "birthday", "dob", "dateofbirth"}},
        {Column::status, "status", {"status", "stage"}},
        {Column::tags, "tags", {"tags", "tag", "labels", "groups"}},
        {Column::notes, "notes", {"notes", "note", "comments"}},
        {Column::sms_consent,
         "smsConsent",
         {"smsconsent", "consent", "smsoptin", "optin", "textconsent", "smsoptedin"}},
        {Column::consent_date,
         "consentDate",
         {"consentdate", "optindate", "consentedat", "smsconsentdate", "consentat"}},
        {Column::consent_source,
         "consentSource",
         {"consentsource", "optinsource", "consentevidence", "smsconsentsource"}},
    };
    return kFields;
}

std::string folded(std::string_view header) {
    std::string out;
    for (const char c : header) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

std::optional<Column> column_named(std::string_view name) {
    for (const auto& f : fields_of_file()) {
        if (name == f.name) return f.column;
    }
    return std::nullopt;
}

std::vector<std::string> split(std::string_view list) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const auto comma = list.find(',', start);
        out.emplace_back(list.substr(start, comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

// What a consent cell says: yes, true, 1, y, opted_in, opted in, opt-in...; no, false, 0, n,
// opted_out, stop...; nothing; or none of those.
enum class Said { nothing, yes, no, unreadable };
Said consent_of(std::string_view value) {
    const auto v = folded(value);
    if (v.empty() || v == "none") return Said::nothing;
    for (const auto* yes : {"yes", "y", "true", "1", "optedin", "optin", "subscribed"}) {
        if (v == yes) return Said::yes;
    }
    for (const auto* no : {"no", "n", "false", "0", "optedout", "optout", "stop", "unsubscribed"}) {
        if (v == no) return Said::no;
    }
    return Said::unreadable;
}

Problem problem_of(size_t line, const HttpError& error) {
    return {line, error.field, error.what()};
}

// Whether `after` differs from `before` in what a file can change.
bool changed(const Contact& before, const Contact& after) {
    return before.first_name != after.first_name || before.last_name != after.last_name ||
           before.email != after.email || before.birthdate != after.birthdate ||
           before.status != after.status || before.tags != after.tags ||
           before.notes != after.notes;
}

}  // namespace

std::string column_name(Column column) {
    for (const auto& f : fields_of_file()) {
        if (f.column == column) return f.name;
    }
    return "";
}

std::vector<Column> guess_columns(const std::vector<std::string>& headers) {
    std::vector<Column> out(headers.size(), Column::ignore);
    std::set<Column> taken;
    // Exact names first (an export's own), then the other programs' words.
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < headers.size(); ++i) {
            if (out[i] != Column::ignore) continue;
            const auto h = folded(headers[i]);
            for (const auto& f : fields_of_file()) {
                const bool match =
                    pass == 0 ? h == folded(f.name)
                              : std::find(f.headers.begin(), f.headers.end(), h) != f.headers.end();
                if (match && !taken.contains(f.column)) {
                    out[i] = f.column;
                    taken.insert(f.column);
                    break;
                }
            }
        }
    }
    return out;
}

std::vector<Column> parse_columns(std::string_view list_text, size_t count) {
    std::vector<Column> out;
    std::set<Column> taken;
    for (const auto& name : split(list_text)) {
        if (name.empty()) {
            out.push_back(Column::ignore);
            continue;
        }
        const auto column = column_named(name);
        if (!column || taken.contains(*column)) {
            throw bad_request("invalid_query",
                              column ? "columns names " + name + " twice"
                                     : "columns: " + name.substr(0, 40) + " is no contact field",
                              "columns");
        }
        taken.insert(*column);
        out.push_back(*column);
    }
    if (out.size() != count) {
        throw bad_request("invalid_query",
                          "columns must name " + std::to_string(count) +
                              " columns, one for each of the file's (empty to leave one out)",
                          "columns");
    }
    return out;
}

std::set<Column> parse_update(std::string_view list_text) {
    std::set<Column> out;
    if (list_text.empty()) return out;
    for (const auto& name : split(list_text)) {
        const auto column = column_named(name);
        if (!column || *column == Column::phone) {
            throw bad_request("invalid_query",
                              "update: " + name.substr(0, 40) +
                                  " is no field an existing contact can take (the phone finds it)",
                              "update");
        }
        out.insert(*column);
    }
    return out;
}

File read_import(std::string_view text, const std::optional<std::string>& columns,
                 std::string_view default_region) {
    auto rows = csv::parse(text, kMaxImportRows);
    if (rows.empty()) throw bad_request("invalid_csv", "The file is empty: it needs a header line");
    File file;
    file.headers = rows.front().cells;
    file.columns =
        columns ? parse_columns(*columns, file.headers.size()) : guess_columns(file.headers);
    if (std::find(file.columns.begin(), file.columns.end(), Column::phone) == file.columns.end()) {
        throw HttpError(422, "no_phone_column",
                        "No column is the phone: name one phone in columns (it finds contacts)",
                        "columns");
    }
    file.rows = rows.size() - 1;
    std::unordered_map<std::string, size_t> first_line_of;
    for (size_t r = 1; r < rows.size(); ++r) {
        const auto& in = rows[r];
        Row row;
        row.line = in.line;
        row.fields = json::object();
        try {
            for (size_t i = 0; i < in.cells.size() && i < file.columns.size(); ++i) {
                const auto value = text::trim(csv::unguard(in.cells[i]));
                if (value.empty()) continue;
                switch (file.columns[i]) {
                    case Column::ignore:
                        break;
                    case Column::tags: {
                        // "club; 2024 harvest": an export's, or a spreadsheet's.
                        json tags = json::array();
                        size_t start = 0;
                        for (;;) {
                            const auto semicolon = value.find(';', start);
                            const auto tag = text::trim(value.substr(start, semicolon - start));
                            if (!tag.empty()) tags.push_back(tag);
                            if (semicolon == std::string::npos) break;
                            start = semicolon + 1;
                        }
                        row.fields["tags"] = tags;
                        break;
                    }
                    case Column::sms_consent: {
                        const auto said = consent_of(value);
                        if (said == Said::unreadable) {
                            throw bad_request("invalid_consent",
                                              "smsConsent must be yes or no (opted_in, opted_out)",
                                              "smsConsent");
                        }
                        if (said != Said::nothing) row.consent = said == Said::yes;
                        break;
                    }
                    case Column::consent_date: {
                        // A day alone is that day's start, UTC.
                        const auto at = value.size() == 10 ? value + "T00:00:00Z" : value;
                        row.consent_date = fields::timestamp(json(at), "consentDate").value_or("");
                        break;
                    }
                    case Column::consent_source:
                        row.consent_source = fields::text(json(value), "consentSource", 200);
                        break;
                    default:
                        row.fields[column_name(file.columns[i])] = value;
                }
            }
            if (!row.fields.contains("phone")) {
                throw bad_request("missing_field", "phone is required", "phone");
            }
            // Checked as the contacts API checks a body; the phone in E.164.
            Contact blank;
            const auto checked = apply_json(row.fields, blank, default_region);
            row.fields["phone"] = checked.phone;
        } catch (const HttpError& error) {
            file.errors.push_back(problem_of(in.line, error));
            continue;
        }
        const auto phone = row.fields["phone"].get<std::string>();
        const auto [first, fresh] = first_line_of.emplace(phone, in.line);
        if (!fresh) {
            file.duplicates.push_back({in.line, phone, first->second});
            continue;
        }
        file.valid.push_back(std::move(row));
    }
    return file;
}

Outcome apply_import(Tx& tx, const File& file, const Options& options, const std::string& person,
                     const audit::Actor& actor, std::string_view default_region) {
    // A statement's arrays: big enough to keep the round trips few, small enough that no
    // statement nears the 5 s statement timeout.
    constexpr size_t kChunk = 2000;
    Outcome out;
    out.errors = file.errors;
    const auto now = fields::utc_rfc3339(std::time(nullptr));
    const auto by = "imported by " + person;
    for (size_t start = 0; start < file.valid.size(); start += kChunk) {
        const auto end = std::min(file.valid.size(), start + kChunk);
        std::vector<std::string> phones;
        for (size_t i = start; i < end; ++i) phones.push_back(file.valid[i].fields["phone"]);
        std::unordered_map<std::string, Contact> existing;
        for (auto& c : lock_by_phones(tx, phones)) existing.emplace(c.phone, std::move(c));
        const auto opted_out = opted_out_numbers(tx, phones);

        std::vector<Contact> to_create;
        std::vector<ConsentEvent> events;  // of the contacts to create, by index
        for (size_t i = start; i < end; ++i) {
            const auto& row = file.valid[i];
            const auto phone = row.fields["phone"].get<std::string>();
            // Consent: an opt-in only with its evidence, never for a number that opted out; an
            // opt-out always.
            bool opt_in = false;
            const bool opt_out = row.consent == false;
            std::string evidence;
            if (row.consent == true) {
                const auto not_in = [&](const std::string& why) {
                    out.warnings.push_back({row.line, "smsConsent", why + ": not opted in"});
                };
                if (row.consent_date.empty() || row.consent_source.empty()) {
                    not_in("an opt-in needs its consentDate and consentSource");
                } else if (row.consent_date > now) {
                    not_in("consentDate is in the future");
                } else if (opted_out.contains(phone)) {
                    not_in("this number opted out, and only they can opt back in (START)");
                } else {
                    opt_in = true;
                    evidence = "; the file says consent was given " + row.consent_date + " (" +
                               row.consent_source + ")";
                }
            }
            const Actor importer{"import", by + evidence, actor.ip};
            const auto found = existing.find(phone);
            try {
                if (found == existing.end()) {
                    auto c = apply_write(row.fields, nullptr, false, default_region);
                    c.source = "import";
                    c.sms_opt_in = opt_in;
                    if (opt_out) c.opted_out_at = "now";  // create_many's flag: opted out now
                    if (opt_in || opt_out) {
                        events.push_back({0, phone, opt_in ? "opt_in" : "opt_out", importer});
                    } else {
                        events.push_back({});
                    }
                    to_create.push_back(std::move(c));
                    continue;
                }
                const auto& stored = found->second;
                out.existing.emplace_back(row.line, stored.id);
                json chosen = json::object();
                for (const auto& [name, value] : row.fields.items()) {
                    const auto column = column_named(name);
                    if (column && options.update.contains(*column)) chosen[name] = value;
                }
                auto next = apply_write(chosen, &stored, false, default_region);
                if (opt_out) next.sms_opt_in = false;
                if (opt_in && options.update.contains(Column::sms_consent)) next.sms_opt_in = true;
                if (!changed(stored, next) && next.sms_opt_in == stored.sms_opt_in) {
                    ++out.unchanged;
                    continue;
                }
                if (next.sms_opt_in != stored.sms_opt_in)
                    ++(next.sms_opt_in ? out.opted_in : out.opted_out);
                update(tx, stored, next, importer);
                ++out.updated;
            } catch (const HttpError& error) {
                out.errors.push_back(problem_of(row.line, error));
            }
        }
        if (to_create.empty()) continue;
        const auto ids = create_many(tx, to_create);
        std::vector<ConsentEvent> logged;
        for (size_t k = 0; k < ids.size(); ++k) {
            if (ids[k] == 0) {
                out.errors.push_back({0, "phone",
                                      to_create[k].phone + ": created by someone else "
                                                           "during the import"});
                continue;
            }
            ++out.created;
            if (events[k].kind.empty()) continue;
            events[k].contact_id = ids[k];
            ++(events[k].kind == "opt_in" ? out.opted_in : out.opted_out);
            logged.push_back(std::move(events[k]));
        }
        if (!logged.empty()) log_consent_events(tx, logged);
    }
    audit::record(tx, actor, "contacts_imported", "",
                  "created " + std::to_string(out.created) + ", updated " +
                      std::to_string(out.updated) + ", unchanged " + std::to_string(out.unchanged) +
                      ", opted in " + std::to_string(out.opted_in) + ", opted out " +
                      std::to_string(out.opted_out) + ", rows skipped " +
                      std::to_string(out.errors.size() + file.duplicates.size()));
    return out;
}

json to_json(const File& file, const Outcome& outcome, bool committed) {
    const auto problems = [](const std::vector<Problem>& all) {
        json out = json::array();
        for (size_t i = 0; i < all.size() && i < kMaxListed; ++i) {
            out.push_back({{"line", all[i].line},
                           {"field", all[i].field.empty() ? json(nullptr) : json(all[i].field)},
                           {"message", all[i].message}});
        }
        return out;
    };
    json columns = json::array();
    for (size_t i = 0; i < file.headers.size(); ++i) {
        const auto name = column_name(file.columns[i]);
        columns.push_back(
            {{"header", file.headers[i]}, {"field", name.empty() ? json(nullptr) : json(name)}});
    }
    json duplicates = json::array();
    for (size_t i = 0; i < file.duplicates.size() && i < kMaxListed; ++i) {
        const auto& d = file.duplicates[i];
        duplicates.push_back({{"line", d.line}, {"phone", d.phone}, {"firstLine", d.first_line}});
    }
    json existing = json::array();
    for (size_t i = 0; i < outcome.existing.size() && i < kMaxListed; ++i) {
        existing.push_back(
            {{"line", outcome.existing[i].first}, {"contactId", outcome.existing[i].second}});
    }
    json sample = json::array();
    for (size_t i = 0; i < file.valid.size() && i < 5; ++i) {
        sample.push_back({{"line", file.valid[i].line}, {"contact", file.valid[i].fields}});
    }
    return {{"success", true},
            {"committed", committed},
            {"columns", columns},
            {"rows", file.rows},
            {"created", outcome.created},
            {"updated", outcome.updated},
            {"unchanged", outcome.unchanged},
            {"optedIn", outcome.opted_in},
            {"optedOut", outcome.opted_out},
            {"errorCount", outcome.errors.size()},
            {"errors", problems(outcome.errors)},
            {"warningCount", outcome.warnings.size()},
            {"warnings", problems(outcome.warnings)},
            {"duplicateCount", file.duplicates.size()},
            {"duplicates", duplicates},
            {"existingCount", outcome.existing.size()},
            {"existing", existing},
            {"sample", sample}};
}

std::string export_header() {
    return csv::line({"firstName", "lastName", "phone", "email", "birthdate", "status", "tags",
                      "notes", "smsConsent", "consentDate", "consentSource", "id", "createdAt"});
}

std::string export_line(const Contact& c) {
    std::string tags;
    for (const auto& tag : c.tags) tags += (tags.empty() ? "" : "; ") + tag;
    // Consent as it stands, and its last event: the opt-in's, or when they opted out.
    std::string consent, date, source;
    if (c.sms_opt_in) {
        consent = "opted_in";
        if (c.consent) {
            date = c.consent->at;
            source = c.consent->source + (c.consent->text ? ": " + *c.consent->text : "");
        }
    } else if (c.opted_out_at) {
        consent = "opted_out";
        date = *c.opted_out_at;
    }
    return csv::line({c.first_name, c.last_name, c.phone, c.email.value_or(""),
                      c.birthdate.value_or(""), c.status, tags, c.notes, consent, date, source,
                      std::to_string(c.id), c.created_at});
}

}  // namespace textus::contacts
