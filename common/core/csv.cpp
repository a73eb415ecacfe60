#include "common/core/csv.h"

#include "common/core/error.h"
#include "common/core/text.h"

namespace textus::csv {

namespace {

bool risky(char first) {
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
           first == '\r';
}

HttpError invalid(size_t line, const std::string& what) {
    return bad_request("invalid_csv", "Line " + std::to_string(line) + ": " + what);
}

// The separator: whichever of , and ; the header line holds more of outside quotes.
char separator_of(std::string_view text) {
    size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (const char c : text) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '\n') break;
        if (c == ',') ++commas;
        if (c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
}

}  // namespace

std::vector<Row> parse(std::string_view text, size_t max_rows) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (!text::valid_utf8(text)) throw bad_request("invalid_csv", "The file is not UTF-8 text");
    if (text.find('\0') != std::string_view::npos) {
        throw bad_request("invalid_csv", "The file holds a NUL byte: it is not text");
    }
    const char sep = separator_of(text);
    std::vector<Row> rows;
    Row row{1, {}};
    std::string cell;
    size_t line = 1;
    bool quoted = false;
    bool any = false;  // the row has a character, or a separator
    const auto end_row = [&] {
        if (any) {
            row.cells.push_back(std::move(cell));
            if (rows.size() > max_rows) {
                throw bad_request("invalid_csv",
                                  "The file has more than " + std::to_string(max_rows) + " rows");
            }
            rows.push_back(std::move(row));
        }
        row = Row{line + 1, {}};
        cell.clear();
        any = false;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"' && cell.empty()) {
            quoted = true;
            any = true;
        } else if (c == sep) {
            row.cells.push_back(std::move(cell));
            cell.clear();
            any = true;
        } else if (c == '\n') {
            end_row();
            ++line;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else {
            cell += c;
            any = true;
        }
    }
    if (quoted) throw invalid(row.line, "a quoted cell is never closed");
    end_row();
    return rows;
}

std::string cell(std::string_view value) {
    std::string out = !value.empty() && risky(value.front()) ? "'" : "";
    out += value;
    if (out.find_first_of(",;\"\r\n") == std::string::npos) return out;
    std::string quoted = "\"";
    for (const char c : out) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string line(const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += cell(cells[i]);
    }
    return out + "\r\n";
}

std::string unguard(std::string_view value) {
    if (value.size() >= 2 && value.front() == '\'' && risky(value[1])) value.remove_prefix(1);
    return std::string(value);
}

}  // namespace textus::csv
