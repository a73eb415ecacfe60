#include "common/live/staff_events.h"

namespace textus::staff_events {

using nlohmann::json;

json message(const json& message) {
    return {{"type", "message"}, {"message", message}};
}

json status(const json& message) {
    return {{"type", "status"}, {"message", message}};
}

json contact(const json& contact) {
    return {{"type", "contact"}, {"contact", contact}};
}

json conversation(const json& state) {
    return {{"type", "conversation"}, {"conversation", state}};
}

json note(const json& note) {
    return {{"type", "note"}, {"note", note}};
}

json presence(const json& presence) {
    return {{"type", "presence"}, {"presence", presence}};
}

json contact_deleted(int64_t id) {
    return {{"type", "contact_deleted"}, {"id", id}};
}

json campaign(const json& campaign) {
    return {{"type", "campaign"}, {"campaign", campaign}};
}

json sync(std::optional<int64_t> contact_id, int inserted, int updated) {
    return {{"type", "sync"},
            {"contactId", contact_id ? json(*contact_id) : json(nullptr)},
            {"inserted", inserted},
            {"updated", updated}};
}

}  // namespace textus::staff_events
