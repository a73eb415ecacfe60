// Internal notes and their mentions in PostgreSQL (sql/029_notes.sql).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/messages/note.h"

namespace textus {
class Tx;
}

namespace textus::notes {

// Writes a note on contact `write.contact_id` by `author_id` (none: a key of nobody) shown as
// `author_name`, with a mention for each person who may sign in that it names. 404 when there
// is no such contact.
Note create(Tx& tx, const Write& write, std::optional<int64_t> author_id,
            const std::string& author_name);

struct Page {
    std::vector<Note> notes;  // newest first
    std::optional<int64_t> next_before;
};
Page list(Tx& tx, const Query& query);

// The notes that mention person `person` and that they have not seen, newest first, at most
// kMaxLimit.
std::vector<Note> unread_mentions(Tx& tx, int64_t person);

// `person` has seen the notes of contact `contact_id` that mention them: how many were unread.
int64_t mark_mentions_read(Tx& tx, int64_t person, int64_t contact_id);

}  // namespace textus::notes
