// Contacts in and out as CSV (issue 28; docs/decisions.md, Contact import and export). An import
// is read (every row checked as the contacts API checks a body, duplicates by phone within the
// file found), then applied in one unit of work: new contacts created, existing ones (by phone)
// changed only in the fields the person chose and only where the file has a value. Nobody is
// opted in without the file's evidence: a consent column with its date and source. An opt-out
// in the file is always kept, and no file opts in a number whose last word was an opt-out. The
// preview is the same unit of work, rolled back: what it counts is what the import does.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/contacts/contact.h"
#include "common/http/http.h"

namespace textus {
class Tx;
}

namespace textus::audit {
struct Actor;
}

namespace textus::contacts {

inline constexpr size_t kMaxImportRows = 100000;
inline constexpr size_t kMaxImportBytes = 32 * 1024 * 1024;
// What an answer lists of errors, warnings and duplicates (all are counted).
inline constexpr size_t kMaxListed = 200;

// A file's column: a contact field, or nothing (left out).
enum class Column {
    ignore,
    first_name,
    last_name,
    phone,
    email,
    birthdate,
    status,
    tags,
    notes,
    sms_consent,     // yes/no (opted_in/opted_out, true/false, 1/0); empty: none
    consent_date,    // when the consent was given: YYYY-MM-DD or RFC 3339
    consent_source,  // how: "paper form at the tasting room"
};
// "firstName", ...; "" for ignore.
std::string column_name(Column column);

// The columns of a file guessed from its headers ("First Name", "Mobile", "E-mail", "DOB"...;
// case, spaces and punctuation aside); a header named twice maps once.
std::vector<Column> guess_columns(const std::vector<std::string>& headers);
// ?columns=firstName,lastName,,phone: one name per column, "" to leave one out; 400
// invalid_query for an unknown name, a field named twice, or a count other than `count`.
std::vector<Column> parse_columns(std::string_view list, size_t count);
// ?update=firstName,email: the fields an existing contact takes from the file; 400 likewise.
std::set<Column> parse_update(std::string_view list);

struct Problem {
    size_t line = 0;
    std::string field;  // the column's field name, "" for the row
    std::string message;
};
struct Duplicate {
    size_t line = 0;
    std::string phone;      // E.164
    size_t first_line = 0;  // the row that has it first, which counts
};

// A checked row: the fields it has a value for, as the contacts API takes them.
struct Row {
    size_t line = 0;
    nlohmann::json fields;  // firstName, lastName, phone (E.164), email, birthdate, status, ...
    std::optional<bool> consent;
    std::string consent_date;    // "" when none
    std::string consent_source;  // "" when none
};

struct File {
    std::vector<std::string> headers;
    std::vector<Column> columns;
    size_t rows = 0;         // after the header, blank lines aside
    std::vector<Row> valid;  // in file order, the first of each phone only
    std::vector<Problem> errors;
    std::vector<Problem> warnings;
    std::vector<Duplicate> duplicates;
};

// `text` read and checked: 400 invalid_csv for a file that is no CSV (contacts::kMaxImportRows
// rows at most), 400 invalid_query for bad `columns`, 422 no_phone_column when nothing maps to
// the phone.
File read_import(std::string_view text, const std::optional<std::string>& columns,
                 std::string_view default_region);

struct Options {
    std::set<Column> update;  // the fields existing contacts take from the file
};

struct Outcome {
    int64_t created = 0;
    int64_t updated = 0;
    int64_t unchanged = 0;
    int64_t opted_in = 0;
    int64_t opted_out = 0;
    std::vector<Problem> errors;    // the file's, and those found against the database
    std::vector<Problem> warnings;  // imported, but not as the file says (consent)
    // Rows whose phone is an existing contact's: line, and that contact's id.
    std::vector<std::pair<size_t, int64_t>> existing;
};

// The import of `file` in this unit of work, by `actor` (the consent log's source is "import",
// its detail the person and the file's evidence); in the audit log as contacts_imported.
Outcome apply_import(Tx& tx, const File& file, const Options& options, const std::string& person,
                     const audit::Actor& actor, std::string_view default_region);

// The preview's or the import's answer.
nlohmann::json to_json(const File& file, const Outcome& outcome, bool committed);

// The export's header line, and a contact's line (consent state, date and source: its last
// consent event's), as import reads them back.
std::string export_header();
std::string export_line(const Contact& contact);

}  // namespace textus::contacts
