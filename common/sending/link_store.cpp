#include "common/sending/link_store.h"

#include "common/db/db.h"

namespace textus::links {

namespace {

const Statement kSave{"links_save",
                      "INSERT INTO links (code, url, message_id, contact_id, expires_at)"
                      " SELECT v.code, v.url, $3, $4, now() + make_interval(days => $5)"
                      " FROM unnest($1::text[], $2::text[]) AS v (code, url)"};
const Statement kFollow{"links_follow",
                        "UPDATE links SET clicks = clicks + 1,"
                        " first_clicked_at = coalesce(first_clicked_at, now()),"
                        " last_clicked_at = now()"
                        " WHERE code = $1 AND expires_at > now() RETURNING url"};
const Statement kPeek{"links_peek", "SELECT url FROM links WHERE code = $1 AND expires_at > now()"};

}  // namespace

void save(Tx& tx, int64_t message_id, std::optional<int64_t> contact_id,
          const std::vector<Link>& links) {
    if (links.empty()) return;
    std::vector<std::string> codes, urls;
    for (const auto& link : links) {
        codes.push_back(link.code);
        urls.push_back(link.url);
    }
    tx.exec(kSave, codes, urls, message_id, contact_id, kValidDays);
}

std::optional<std::string> follow(Tx& tx, std::string_view code, bool count) {
    const auto rows = tx.exec(count ? kFollow : kPeek, code);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

}  // namespace textus::links
