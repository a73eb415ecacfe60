// Issue 11: a webhook handler process killed while it serves a load of signed posts loses no
// message it answered 200 to, and stores none twice. Twilio re-posts what got no 200 until it
// gets one, so a 200 must mean "committed", and a re-post of something committed must change
// nothing.
//
// Would this test catch a handler that answered 200 before committing? Two kinds of kill:
// - The held post: the test locks a contact's row, posts a message from that contact's phone and
//   kills the handler processes once PostgreSQL shows a handler's transaction waiting for that
//   lock. The transaction is provably open at the kill, so it is rolled back. A handler that had
//   already answered 200 (one that acknowledges first and stores after) fails "the held post
//   got no 200" and "every SID answered 200 is stored" on every run, not by chance.
// - The timed kills land right after a 200 reached a client, while the load goes on: a handler
//   that answered and then did its database work would be killed between the two most times.
// A handler that wrote its 200 and sent COMMIT in its very next step would leave a window of
// microseconds that no kill from outside can aim at (once COMMIT has reached the server, it
// commits without the client). What rules that out is the order in the code: common/http/server.cpp
// writes an answer only after the route returns, and the route returns after Db::transact has
// committed.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using namespace textus::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

struct Sent {
    std::string sid;
    std::string from;
    int status;  // 0: no answer at all
};

int post_inbound(const std::string& sid, const std::string& from) {
    try {
        return post("/api/twilio/webhook", inbound(sid, from, "kill test " + sid)).status;
    } catch (const std::exception&) {
        return 0;
    }
}

// A SQL array of SIDs (letters and digits only).
std::string sql_array(const std::vector<Sent>& posts) {
    std::string out = "ARRAY[";
    for (const auto& p : posts) out += (out.size() > 6 ? ",'" : "'") + p.sid + "'";
    return out + "]::text[]";
}

// The SIDs of `posts` stored other than exactly once, comma-separated ("" when none).
std::string not_stored_once(const std::vector<Sent>& posts) {
    if (posts.empty()) return "";
    return Stack::get().query("SELECT coalesce(string_agg(s, ','), '') FROM unnest(" +
                              sql_array(posts) +
                              ") s WHERE (SELECT count(*) FROM messages m WHERE m.sid = s) <> 1");
}

// Waits until multiwatch has replaced every process in `killed`: as many handlers again, all new.
std::vector<int> wait_for_new_handlers(const std::vector<int>& killed) {
    const auto deadline = Clock::now() + 5s;
    for (;;) {
        const auto pids = Stack::get().handler_pids("webhook");
        const bool all_new = std::none_of(pids.begin(), pids.end(), [&](int pid) {
            return std::find(killed.begin(), killed.end(), pid) != killed.end();
        });
        if ((pids.size() == killed.size() && all_new) || Clock::now() > deadline) return pids;
        std::this_thread::sleep_for(20ms);
    }
}

void kill_all(const std::vector<int>& pids) {
    for (const int pid : pids) kill(pid, SIGKILL);
}

}  // namespace

TEST_CASE("killed webhook handlers lose no message answered 200 and store none twice",
          "[webhook_kill]") {
    auto& stack = Stack::get();
    // multiwatch gives up on a child that dies four times within 10 s of its last start
    // (deploy/handler keeps its default -r 3 -t 10000): three kills of each keep it coming back.
    constexpr int kClients = 4;
    const auto held_phone = new_phone();
    REQUIRE(post_inbound(new_sid(), held_phone) == 200);
    std::vector<std::string> phones;
    for (int i = 0; i < kClients; ++i) phones.push_back(new_phone());
    auto pids = stack.handler_pids("webhook");
    // The webhook's processes (deploy/handler's default): every kill takes them all.
    const auto processes = pids.size();
    REQUIRE(processes >= 2);
    const auto first_pids = pids;

    std::mutex mutex;
    std::condition_variable answered;
    int answered_count = 0;
    std::atomic<bool> stop = false;
    const auto next_sid = [&] {
        std::lock_guard lock(mutex);
        return new_sid();
    };
    // One client per phone: each posts one message at a time, as fast as answers come.
    std::vector<std::vector<Sent>> sent(kClients);
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back([&, i] {
            while (!stop) {
                const auto sid = next_sid();
                const int status = post_inbound(sid, phones[i]);
                sent[i].push_back({sid, phones[i], status});
                if (status == 200) {
                    std::lock_guard lock(mutex);
                    ++answered_count;
                    answered.notify_all();
                }
            }
        });
    }
    std::this_thread::sleep_for(500ms);

    // Kill 1: a handler whose transaction waits for a row lock the test holds.
    const auto held_sid = next_sid();
    int held_status = -1;
    bool held_waited = false;
    {
        pqxx::connection holder(stack.database_url);
        pqxx::work hold(holder);
        hold.exec("SELECT id FROM contacts WHERE phone = '" + held_phone + "' FOR UPDATE");
        std::thread held([&] { held_status = post_inbound(held_sid, held_phone); });
        const auto deadline = Clock::now() + 5s;
        while (!held_waited && Clock::now() < deadline) {
            held_waited = stack.query(
                              "SELECT count(*) FROM pg_stat_activity WHERE usename ="
                              " 'textus' AND wait_event_type = 'Lock'") != "0";
            if (!held_waited) std::this_thread::sleep_for(5ms);
        }
        kill_all(pids);
        hold.abort();  // the lock goes; the killed handler's transaction can never commit
        held.join();
    }
    pids = wait_for_new_handlers(pids);
    REQUIRE(pids.size() == processes);

    // Kills 2 and 3: right after a client got a 200, while the others are mid-request.
    for (int round = 0; round < 2; ++round) {
        std::this_thread::sleep_for(700ms);
        {
            std::unique_lock lock(mutex);
            const int seen = answered_count;
            answered.wait_for(lock, 5s, [&] { return answered_count > seen; });
        }
        kill_all(pids);
        pids = wait_for_new_handlers(pids);
        REQUIRE(pids.size() == processes);
    }
    std::this_thread::sleep_for(500ms);
    stop = true;
    for (auto& client : clients) client.join();

    std::vector<Sent> all{{held_sid, held_phone, held_status}}, ok, retry;
    for (const auto& posts : sent) all.insert(all.end(), posts.begin(), posts.end());
    for (const auto& p : all) (p.status == 200 ? ok : retry).push_back(p);
    INFO(ok.size() << " answered 200, " << retry.size() << " not");
    CHECK(ok.size() >= 50);
    // A correct handler answers nothing while its transaction is open.
    CHECK(held_waited);
    CHECK(held_status != 200);
    // Before any re-post: whatever was answered 200 is stored, once.
    CHECK(not_stored_once(ok) == "");

    // Twilio re-posts each message that got no 200 until it gets one.
    const auto deadline = Clock::now() + 10s;
    for (auto& p : retry) {
        while (p.status != 200 && Clock::now() < deadline) {
            p.status = post_inbound(p.sid, p.from);
            if (p.status != 200) std::this_thread::sleep_for(50ms);
        }
        INFO("re-post of " << p.sid);
        REQUIRE(p.status == 200);
    }
    CHECK(not_stored_once(all) == "");
    // Nothing else came from these phones: no row without a post behind it.
    std::string from_list;
    for (const auto& phone : phones) from_list += "'" + phone + "',";
    CHECK(stack.query("SELECT count(*) FROM messages WHERE from_number IN (" + from_list + "'" +
                      held_phone + "')") == std::to_string(all.size() + 1));

    // One contact per phone, and its latest message is a real one: the last stored, since a
    // message's id is taken under its contact's row lock.
    phones.push_back(held_phone);
    for (const auto& phone : phones) {
        INFO(phone);
        CHECK(stack.query("SELECT count(*) FROM contacts WHERE phone = '" + phone + "'") == "1");
        CHECK(stack.query("SELECT c.last_message_id = max(m.id) FROM contacts c"
                          " JOIN messages m ON m.contact_id = c.id WHERE c.phone = '" +
                          phone + "' GROUP BY c.id, c.last_message_id") == "t");
    }

    // The handler came back, in new processes, and serves.
    const auto now_pids = stack.handler_pids("webhook");
    CHECK(now_pids.size() == processes);
    for (const int pid : first_pids) {
        CHECK(std::find(now_pids.begin(), now_pids.end(), pid) == now_pids.end());
    }
    CHECK(post_inbound(next_sid(), held_phone) == 200);
}
