// `textus-admin commerce7-sync`, the real program, over the stack's PostgreSQL and a
// commerce7-sim of each test's own: pending leads get exactly one customer each, failures are
// counted and kept for later, concurrent runs never create twice, bad credentials stop a run,
// Commerce7 off touches nothing, and no personal data reaches the output or the log.
#include "common/contacts/commerce7_sync.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <sstream>

#include "common/db/db.h"
#include "tests/integration/commerce7_sim.h"
#include "tests/integration/stack.h"

using namespace textus;
using nlohmann::json;
using test::Commerce7Sim;
using test::Stack;

namespace {

struct Lead {
    std::string id;  // the contact's
    std::string phone;
    std::string email;
    std::string first_name;
    std::string last_name;
};

struct SyncOutput {
    int exit_code;
    std::string out;
    std::string err;
};

// A test's pending contacts and its runs of the command.
class SyncTest {
  public:
    SyncTest() : stack_(Stack::get()) {
        // Other tests' leftovers (a lead saved while Commerce7 was down) would be synced into this
        // test's simulator and counted in its summaries.
        stack_.query(
            "UPDATE contacts SET commerce7_sync_state = 'none', commerce7_sync_claimed_until = NULL"
            " WHERE commerce7_sync_state IN ('pending', 'failed')");
    }

    // A contact awaiting its Commerce7 sync, with distinctive personal data to look for.
    Lead add_pending(bool with_email = true) {
        static std::mt19937 random{std::random_device{}()};
        for (;;) {
            const auto n = std::to_string(1000000 + random() % 9000000);
            Lead lead{"", "+1202" + n, with_email ? "zq" + n + "@example.org" : "",
                      "Zebulon" + n.substr(3), "Quixote" + n.substr(3)};
            lead.id = stack_.query(
                "INSERT INTO contacts (first_name, last_name, email, phone, birthdate, source,"
                " commerce7_sync_state) VALUES ('" +
                lead.first_name + "', '" + lead.last_name + "', " +
                (with_email ? "'" + lead.email + "'" : "NULL") + ", '" + lead.phone +
                "', '1985-06-07', 'web', 'pending') ON CONFLICT (phone) DO NOTHING RETURNING id");
            if (lead.id.empty()) continue;
            leads_.push_back(lead);
            return lead;
        }
    }

    std::string column(const Lead& lead, const std::string& column) {
        return stack_.query("SELECT " + column + " FROM contacts WHERE id = " + lead.id);
    }

    // The command as a timer would run it, with the handlers' database role; `env` words for
    // env(1) after the simulator's settings.
    SyncOutput run(const Commerce7Sim& sim, const std::string& args = "",
                   const std::string& env = "") {
        const auto command = start(sim, args, env);
        return finish(command, test::run("sh -c " + command.line).exit_code);
    }

    // Two runs started together.
    std::pair<SyncOutput, SyncOutput> run_two(const Commerce7Sim& sim) {
        const auto a = start(sim, "", "");
        const auto b = start(sim, "", "");
        const auto codes = test::run("A=" + a.line + "; B=" + b.line +
                                     "; sh -c \"$A\" & a=$!; sh -c \"$B\" & b=$!;"
                                     " wait $a; ea=$?; wait $b; echo $ea $?");
        std::istringstream in(codes.output);
        int ea = -1, eb = -1;
        in >> ea >> eb;
        return {finish(a, ea), finish(b, eb)};
    }

    Stack& stack() { return stack_; }

  private:
    struct Command {
        std::string line;   // single-quoted, for sh -c
        std::string files;  // its stdout and stderr are FILES.out and FILES.err
    };

    Command start(const Commerce7Sim& sim, const std::string& args, const std::string& env) {
        const auto name = stack_.state_dir + "/c7sync-" + std::to_string(++runs_);
        return {
            "'env -u COMMERCE7_API_BASE -u COMMERCE7_APP_ID -u COMMERCE7_SECRET"
            " -u COMMERCE7_TENANT DATABASE_URL=\"" +
                stack_.app_database_url + "\" COMMERCE7_API_BASE=" + sim.base_url +
                "/v1 COMMERCE7_APP_ID=" + sim.app_id + " COMMERCE7_SECRET=" + sim.secret +
                " COMMERCE7_TENANT=" + sim.tenant + " " + env + " " + stack_.bin_dir +
                "/textus-admin commerce7-sync " + args + " >" + name + ".out 2>" + name + ".err'",
            name};
    }

    // The run's output, checked for personal data.
    SyncOutput finish(const Command& command, int exit_code) {
        SyncOutput output{exit_code, test::read_file(command.files + ".out"),
                          test::read_file(command.files + ".err")};
        for (const auto& lead : leads_) {
            for (const auto& pii :
                 {lead.phone, lead.phone.substr(1), lead.email, lead.first_name, lead.last_name}) {
                if (pii.empty()) continue;
                INFO(output.out + output.err);
                CHECK(output.out.find(pii) == std::string::npos);
                CHECK(output.err.find(pii) == std::string::npos);
            }
        }
        return output;
    }

    Stack& stack_;
    std::vector<Lead> leads_;
    int runs_ = 0;
};

size_t count_method(const json& requests, const std::string& method) {
    return static_cast<size_t>(std::count_if(requests.begin(), requests.end(),
                                             [&](const json& r) { return r["method"] == method; }));
}

// The simulator's customers holding `phone`.
std::vector<json> customers_with(const Commerce7Sim& sim, const std::string& phone) {
    std::vector<json> found;
    for (const auto& c : sim.customers()) {
        for (const auto& p : c.value("phones", json::array())) {
            if (p.value("phone", "") == phone) found.push_back(c);
        }
    }
    return found;
}

}  // namespace

TEST_CASE("a pending lead gets exactly one customer; the next run has nothing to do",
          "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto lead = t.add_pending();

    const auto first = t.run(sim);
    CHECK(first.exit_code == 0);
    CHECK(first.out == "synced 1, failed 0, remaining 0\n");
    const auto customers = sim.customers();
    REQUIRE(customers.size() == 1);
    const auto& customer = customers[0];
    CHECK(customer["phones"] == json::array({{{"phone", lead.phone}}}));
    CHECK(customer["emails"] == json::array({{{"email", lead.email}}}));
    CHECK(customer["firstName"] == lead.first_name);
    CHECK(customer["birthDate"] == "1985-06-07");
    CHECK(customer["metaData"]["source"] == "sms_chatbot");
    CHECK(customer["metaData"]["sms_enrolled"] == "true");
    CHECK(t.column(lead, "commerce7_customer_id") == customer["id"]);
    CHECK(t.column(lead, "commerce7_sync_state") == "synced");
    CHECK(t.column(lead, "commerce7_synced_at IS NOT NULL") == "t");
    CHECK(t.column(lead, "commerce7_sync_attempts") == "0");
    CHECK(t.column(lead, "commerce7_sync_claimed_until IS NULL") == "t");
    const auto calls = sim.requests().size();

    const auto second = t.run(sim);
    CHECK(second.exit_code == 0);
    CHECK(second.out == "synced 0, failed 0, remaining 0\n");
    CHECK(sim.requests().size() == calls);
    CHECK(sim.customers().size() == 1);
}

TEST_CASE("Commerce7 down: the lead stays pending, the attempt counted, exit 1",
          "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto lead = t.add_pending(false);
    sim.stop();

    const auto down = t.run(sim);
    CHECK(down.exit_code == 1);
    CHECK(down.out == "synced 0, failed 1, remaining 1\n");
    CHECK(down.err.find("commerce7_unavailable") != std::string::npos);
    CHECK(t.column(lead, "commerce7_sync_state") == "pending");
    CHECK(t.column(lead, "commerce7_sync_attempts") == "1");
    CHECK(t.column(lead, "commerce7_sync_claimed_until IS NULL") == "t");
    CHECK(t.column(lead, "commerce7_customer_id").empty());

    // Failing on demand (500 on every call) counts another; back up, the next run syncs it.
    Commerce7Sim up;
    up.hook("/sim/fail", {{"count", 100}, {"status", 500}});
    const auto failing = t.run(up);
    CHECK(failing.exit_code == 1);
    CHECK(failing.out == "synced 0, failed 1, remaining 1\n");
    CHECK(t.column(lead, "commerce7_sync_attempts") == "2");
    CHECK(up.customers().empty());
    up.hook("/sim/fail", nullptr, "DELETE");
    const auto synced = t.run(up);
    CHECK(synced.exit_code == 0);
    CHECK(synced.out == "synced 1, failed 0, remaining 0\n");
    CHECK(customers_with(up, lead.phone).size() == 1);
    CHECK(t.column(lead, "commerce7_sync_attempts") == "0");
}

TEST_CASE("a create with no answer is searched for next time, not made twice", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto lead = t.add_pending();
    // The create is made, but its answer comes after the client stopped waiting (read 10 s):
    // a 500 after acting is the same outcome_unknown, and quicker.
    sim.hook("/sim/fail", {{"count", 1}, {"status", 500}, {"method", "POST"}});
    const auto unknown = t.run(sim);
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.out == "synced 0, failed 1, remaining 1\n");
    CHECK(unknown.err.find("commerce7_unavailable") != std::string::npos);
    CHECK(t.column(lead, "commerce7_sync_state") == "pending");
    CHECK(count_method(sim.requests(), "POST") == 1);

    // The simulator refused that create; one made anyway is found by phone next time.
    sim.hook("/sim/customers",
             {{"customers", {{{"firstName", "Made"}, {"phones", {{{"phone", lead.phone}}}}}}}});
    sim.hook("/sim/requests", nullptr, "DELETE");
    const auto again = t.run(sim);
    CHECK(again.exit_code == 0);
    CHECK(again.out == "synced 1, failed 0, remaining 0\n");
    CHECK(count_method(sim.requests(), "POST") == 0);
    const auto found = customers_with(sim, lead.phone);
    REQUIRE(found.size() == 1);
    CHECK(t.column(lead, "commerce7_customer_id") == found[0]["id"]);
}

TEST_CASE("after the last attempt a lead is failed, left alone, and --retry-failed requeues it",
          "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto lead = t.add_pending();
    t.stack().query("UPDATE contacts SET commerce7_sync_attempts = " +
                    std::to_string(commerce7::kMaxAttempts - 1) + " WHERE id = " + lead.id);
    // A refusal Commerce7 gives at once (not retried).
    sim.hook("/sim/fail", {{"count", 1},
                           {"status", 422},
                           {"errors", {{{"field", "phones"}, {"message", "is invalid"}}}}});
    const auto last = t.run(sim);
    CHECK(last.exit_code == 1);
    CHECK(last.out == "synced 0, failed 1, remaining 0\n");
    CHECK(last.err.find("--retry-failed") != std::string::npos);
    CHECK(t.column(lead, "commerce7_sync_state") == "failed");
    CHECK(t.column(lead, "commerce7_sync_attempts") == std::to_string(commerce7::kMaxAttempts));

    const auto calls = sim.requests().size();
    const auto idle = t.run(sim);
    CHECK(idle.exit_code == 0);
    CHECK(idle.out == "synced 0, failed 0, remaining 0\n");
    CHECK(sim.requests().size() == calls);

    const auto retried = t.run(sim, "--retry-failed");
    CHECK(retried.exit_code == 0);
    CHECK(retried.out == "synced 1, failed 0, remaining 0\n");
    CHECK(t.column(lead, "commerce7_sync_state") == "synced");
    CHECK(customers_with(sim, lead.phone).size() == 1);
}

TEST_CASE("two runs at once give each lead exactly one customer", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    std::vector<Lead> leads;
    for (int i = 0; i < 6; ++i) leads.push_back(t.add_pending(i % 2 == 0));
    // Slow answers keep both runs busy at the same time.
    sim.hook("/sim/fail", {{"count", 1000}, {"delayMs", 100}});

    const auto [a, b] = t.run_two(sim);
    CHECK(a.exit_code == 0);
    CHECK(b.exit_code == 0);
    const auto synced = [](const SyncOutput& o) {
        return std::stoi(o.out.substr(std::string("synced ").size()));
    };
    INFO(a.out << b.out);
    CHECK(synced(a) + synced(b) == 6);
    CHECK(count_method(sim.requests(), "POST") == 6);
    CHECK(sim.customers().size() == 6);
    for (const auto& lead : leads) {
        const auto found = customers_with(sim, lead.phone);
        REQUIRE(found.size() == 1);
        CHECK(t.column(lead, "commerce7_customer_id") == found[0]["id"]);
        CHECK(t.column(lead, "commerce7_sync_state") == "synced");
    }
}

TEST_CASE("a customer found by phone is updated, not duplicated", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto lead = t.add_pending();
    sim.hook("/sim/customers", {{"customers",
                                 {{{"id", "existing-1"},
                                   {"firstName", "Janet"},
                                   {"lastName", "Roe"},
                                   {"phones", {{{"phone", lead.phone}}}},
                                   {"metaData", {{"club", "gold"}}}}}}});

    const auto run = t.run(sim);
    CHECK(run.exit_code == 0);
    CHECK(run.out == "synced 1, failed 0, remaining 0\n");
    const auto customers = sim.customers();
    REQUIRE(customers.size() == 1);
    CHECK(customers[0]["id"] == "existing-1");
    CHECK(customers[0]["firstName"] == "Janet");
    CHECK(customers[0]["emails"] == json::array({{{"email", lead.email}}}));
    CHECK(customers[0]["metaData"]["club"] == "gold");
    CHECK(customers[0]["metaData"]["sms_enrolled"] == "true");
    CHECK(count_method(sim.requests(), "POST") == 0);
    CHECK(t.column(lead, "commerce7_customer_id") == "existing-1");
}

TEST_CASE("bad credentials stop the run with nothing counted", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto first = t.add_pending();
    const auto second = t.add_pending();

    const auto run = t.run(sim, "", "COMMERCE7_SECRET=wrong");
    CHECK(run.exit_code == 1);
    CHECK(run.out == "synced 0, failed 0, remaining 2\n");
    CHECK(run.err.find("refused the credentials") != std::string::npos);
    CHECK(run.err.find("wrong") == std::string::npos);
    CHECK(sim.requests().size() == 1);
    for (const auto& lead : {first, second}) {
        CHECK(t.column(lead, "commerce7_sync_state") == "pending");
        CHECK(t.column(lead, "commerce7_sync_attempts") == "0");
        CHECK(t.column(lead, "commerce7_sync_claimed_until IS NULL") == "t");
    }
}

TEST_CASE("Commerce7 off: the command says so and touches nothing", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto pending = t.add_pending();
    const auto failed = t.add_pending();
    t.stack().query("UPDATE contacts SET commerce7_sync_state = 'failed' WHERE id = " + failed.id);

    for (const auto& args : {"", "--retry-failed"}) {
        const auto run = t.run(sim, args, "COMMERCE7_TENANT=");
        CHECK(run.exit_code == 0);
        CHECK(run.out.find("Commerce7 is off") != std::string::npos);
    }
    CHECK(sim.requests().empty());
    CHECK(t.column(pending, "commerce7_sync_state") == "pending");
    CHECK(t.column(failed, "commerce7_sync_state") == "failed");
    CHECK(t.column(pending, "commerce7_sync_claimed_until IS NULL") == "t");
}

TEST_CASE("a claimed lead is left to its claimant until the lease ends", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto lead = t.add_pending();
    // As initiate does before calling Commerce7 itself.
    Db db(t.stack().app_database_url);
    CHECK(
        db.transact([&](Tx& tx) { return commerce7::mark_pending(tx, std::stoll(lead.id), {}); }));
    CHECK(t.column(lead, "commerce7_sync_claimed_until > now() + interval '4 minutes'") == "t");
    // A second initiate meanwhile does not take the claim: it leaves Commerce7 to the holder.
    const auto claimed_until = t.column(lead, "commerce7_sync_claimed_until");
    CHECK_FALSE(
        db.transact([&](Tx& tx) { return commerce7::mark_pending(tx, std::stoll(lead.id), {}); }));
    CHECK(t.column(lead, "commerce7_sync_claimed_until") == claimed_until);

    const auto held = t.run(sim);
    CHECK(held.exit_code == 0);
    CHECK(held.out == "synced 0, failed 0, remaining 1\n");
    CHECK(sim.requests().empty());

    // initiate's call failed: pending, unclaimed, counted; the next run takes it.
    db.transact([&](Tx& tx) { commerce7::record_failed(tx, std::stoll(lead.id)); });
    CHECK(t.column(lead, "commerce7_sync_attempts") == "1");
    CHECK(t.column(lead, "commerce7_sync_claimed_until IS NULL") == "t");
    // A run killed mid-call leaves its claim behind, until the lease ends.
    t.stack().query(
        "UPDATE contacts SET commerce7_sync_claimed_until = now() - interval '1 second'"
        " WHERE id = " +
        lead.id);
    const auto taken = t.run(sim);
    CHECK(taken.exit_code == 0);
    CHECK(taken.out == "synced 1, failed 0, remaining 0\n");
    CHECK(customers_with(sim, lead.phone).size() == 1);
}

TEST_CASE("--limit bounds how many leads one run takes, oldest first", "[commerce7_sync]") {
    SyncTest t;
    Commerce7Sim sim;
    const auto older = t.add_pending();
    const auto newer = t.add_pending();
    const auto run = t.run(sim, "--limit 1");
    CHECK(run.exit_code == 0);
    CHECK(run.out == "synced 1, failed 0, remaining 1\n");
    CHECK(t.column(older, "commerce7_sync_state") == "synced");
    CHECK(t.column(newer, "commerce7_sync_state") == "pending");
}

TEST_CASE("commerce7-sync refuses flags it does not know", "[commerce7_sync]") {
    auto& stack = Stack::get();
    for (const auto& args : {"--limit", "--limit 0", "--limit x", "--limit 5x", "--all"}) {
        CHECK(stack.admin(std::string("commerce7-sync ") + args + " 2>/dev/null").exit_code == 2);
    }
}
