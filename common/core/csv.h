// CSV as spreadsheets write it (RFC 4180): for contacts' import and export (issue 28). A file is
// UTF-8, with or without a byte order mark, its cells separated by commas or semicolons (a
// spreadsheet in a language with decimal commas writes semicolons), quoted with " where they
// hold one of those, a quote or a line break, lines ending in CRLF or LF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace textus::csv {

struct Row {
    size_t line = 0;  // of the file, from 1: where the row starts
    std::vector<std::string> cells;
};

// The rows of `text`, its first the header; blank lines are skipped. The separator is the one,
// of comma and semicolon, that the first line holds more of outside quotes. 400 invalid_csv,
// naming the line, for text that is not UTF-8 or holds a NUL, a quote left open, or more than
// `max_rows` rows after the header.
std::vector<Row> parse(std::string_view text, size_t max_rows);

// One cell as written: quoted when it needs to be, and guarded against formula injection: a
// value starting with =, +, -, @, a tab or a carriage return is written after a ', so that a
// spreadsheet shows it as text and never runs it (OWASP's advice).
std::string cell(std::string_view value);
// `cells` as one line, each by cell(), joined with commas, ending in CRLF.
std::string line(const std::vector<std::string>& cells);
// What cell() guarded, as it was: a leading ' before one of those characters is dropped.
std::string unguard(std::string_view value);

}  // namespace textus::csv
