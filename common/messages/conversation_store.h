// The inbox's conversations in PostgreSQL.
#pragma once

#include "common/messages/conversation.h"

namespace textus {
class Tx;
}

namespace textus::conversations {

// Newest conversation first; a search matches a contact's name, email or phone digits, or the
// body of one of its newest matching messages.
Page list(Tx& tx, const Query& query);

}  // namespace textus::conversations
