#include "common/messages/note_store.h"

#include "common/contacts/contact_store.h"
#include "common/core/error.h"
#include "common/db/db.h"

namespace textus::notes {

namespace {

using nlohmann::json;

// A note's columns, its mentions as JSON ([{id, name}], by name).
const std::string kColumns =
    "n.id, n.contact_id, n.author_id, n.author_name, n.body, rfc3339(n.created_at),"
    " (SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.display_name)"
    "  ORDER BY lower(u.display_name), u.id), '[]') FROM mentions m JOIN users u ON u.id = "
    "m.user_id"
    "  WHERE m.note_id = n.id)";

const Statement kInsert{"notes_insert",
                        "INSERT INTO notes (contact_id, author_id, author_name, body)"
                        " VALUES ($1, $2, $3, $4) RETURNING id, rfc3339(created_at)"};
const Statement kMention{"notes_mention",
                         "INSERT INTO mentions (note_id, user_id) SELECT $1, unnest($2::bigint[])"};
const Statement kList{"notes_list",
                      "SELECT " + kColumns +
                          " FROM notes n WHERE n.contact_id = $1 AND ($3::bigint IS NULL"
                          " OR (n.created_at, n.id) < (SELECT b.created_at, b.id FROM notes b"
                          "  WHERE b.id = $3)) ORDER BY n.created_at DESC, n.id DESC LIMIT $2"};
const Statement kUnread{"notes_unread_mentions",
                        "SELECT " + kColumns +
                            " FROM mentions r JOIN notes n ON n.id = r.note_id"
                            " WHERE r.user_id = $1 AND r.read_at IS NULL"
                            " ORDER BY n.created_at DESC, n.id DESC LIMIT $2"};
const Statement kMarkRead{"notes_mark_mentions_read",
                          "UPDATE mentions r SET read_at = now() FROM notes n"
                          " WHERE n.id = r.note_id AND r.user_id = $1 AND n.contact_id = $2"
                          " AND r.read_at IS NULL"};

Note from_row(const pqxx::row& row) {
    Note note{row[0].as<int64_t>(),     row[1].as<int64_t>(),     nullable<int64_t>(row[2]),
              row[3].as<std::string>(), row[4].as<std::string>(), {},
              row[5].as<std::string>()};
    for (const auto& m : json::parse(row[6].as<std::string>())) {
        note.mentions.push_back({m["id"].get<int64_t>(), m["name"].get<std::string>()});
    }
    return note;
}

std::vector<Note> notes_of(const pqxx::result& rows) {
    std::vector<Note> out;
    for (const auto& row : rows) out.push_back(from_row(row));
    return out;
}

}  // namespace

Note create(Tx& tx, const Write& write, std::optional<int64_t> author_id,
            const std::string& author_name) {
    if (!contacts::exists(tx, write.contact_id)) {
        throw not_found("No contact with id " + std::to_string(write.contact_id));
    }
    const auto mentioned = mentions_in(write.body, people::team(tx));
    const auto row = tx.exec(kInsert, write.contact_id, author_id, author_name, write.body)[0];
    Note note{
        row[0].as<int64_t>(),    write.contact_id, author_id, author_name, write.body, mentioned,
        row[1].as<std::string>()};
    if (!mentioned.empty()) {
        std::vector<int64_t> ids;
        for (const auto& m : mentioned) ids.push_back(m.id);
        tx.exec(kMention, note.id, ids);
    }
    return note;
}

Page list(Tx& tx, const Query& query) {
    Page page{notes_of(tx.exec(kList, query.contact_id, query.limit, query.before)), {}};
    if (static_cast<int>(page.notes.size()) == query.limit) page.next_before = page.notes.back().id;
    return page;
}

std::vector<Note> unread_mentions(Tx& tx, int64_t person) {
    return notes_of(tx.exec(kUnread, person, kMaxLimit));
}

int64_t mark_mentions_read(Tx& tx, int64_t person, int64_t contact_id) {
    return tx.exec(kMarkRead, person, contact_id).affected_rows();
}

}  // namespace textus::notes
