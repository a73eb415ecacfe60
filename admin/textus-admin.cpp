// textus-admin: the sysadmin's tool. Reads DATABASE_URL (and, for commerce7-sync, the handlers'
// COMMERCE7_* settings) from the environment.
//   migrate             apply sql/ migrations not yet applied
//   create-key NAME [--user EMAIL]
//                       create a staff API key and print it (the only time it is shown); with
//                       --user it belongs to that person and acts with their role, else it
//                       acts as the owner
//   revoke-key NAME     revoke the active key called NAME
//   list-keys           list keys (names and times, never keys or hashes)
//   create-user EMAIL --role owner|admin|agent [--name NAME]
//                       create a person who signs in with EMAIL (name: EMAIL's part before
//                       the @ unless given) and print their password (the only time it is
//                       shown; 20 random characters)
//   reset-password EMAIL
//                       give that person a new password, print it (once), and end their
//                       sessions
//   commerce7-sync [--limit N] [--retry-failed]
//                       give up to N (100) leads pending since a Commerce7 failure their
//                       customer; --retry-failed first queues again those that ran out of
//                       attempts. Prints "synced S, failed F, remaining R"; exit 1 when any
//                       failed or Commerce7 refused the credentials. By hand: `work` does
//                       it every minute (docs/decisions.md, Commerce7 lead sync).
//   run-due [--limit N] [--senders S]
//                       send up to N (1000) scheduled sends and campaign messages that are
//                       due, through the send path, with the handlers' Twilio settings, S (4)
//                       at once; one due in its recipient's quiet hours waits for the morning.
//                       Prints "sent S, failed F, held for quiet hours H; campaigns: sent S,
//                       failed F, skipped K" (a failed one is recorded on it: opted out since,
//                       ...); exit 1 only when the run itself failed. For a timer, every minute;
//                       several at once on several hosts never send one twice. It also does
//                       the outbox's duties (docs/decisions.md, The outbox), and prints them
//                       after "; outbox: ".
//   work [--senders S] [--poll-seconds P]
//                       the resident worker: run-due's duties until SIGTERM, woken at once by
//                       PostgreSQL NOTIFY (an auto-reply to decide, a text to deliver) and else
//                       every P (5) seconds. For a service (textus-worker.service); several on
//                       several hosts share the work.
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/contacts/commerce7_sync.h"
#include "common/core/config.h"
#include "common/core/log.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/http/audit.h"
#include "common/http/auth.h"
#include "common/http/people.h"
#include "common/outreach/worker.h"

namespace {

using namespace textus;

constexpr std::string_view kUsage =
    "usage: textus-admin migrate | create-key NAME [--user EMAIL] | revoke-key NAME | list-keys\n"
    "       textus-admin create-user EMAIL --role owner|admin|agent [--name NAME]\n"
    "       textus-admin reset-password EMAIL\n"
    "       textus-admin commerce7-sync [--limit N] [--retry-failed]\n"
    "       textus-admin run-due [--limit N] [--senders S]\n"
    "       textus-admin work [--senders S] [--poll-seconds P]\n";

constexpr int kDefaultPollSeconds = 5;
constexpr int kMaxPollSeconds = 3600;

// Set by SIGTERM and SIGINT: the resident worker finishes its steps and exits.
std::atomic<bool> stopping{false};

struct SyncOptions {
    int limit = commerce7::kDefaultSyncLimit;
    bool retry_failed = false;
    int senders = worker::kDefaultSenders;
    int poll_seconds = kDefaultPollSeconds;
};

// A flag's value: a whole number from 1 to `max`.
bool parse_count(std::string_view value, int max, int& out) {
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
    return error == std::errc() && end == value.data() + value.size() && out >= 1 && out <= max;
}

// commerce7-sync's, run-due's and work's flags (--retry-failed is commerce7-sync's, --limit
// not work's, --senders theirs, --poll-seconds work's); nothing when they are not understood.
std::optional<SyncOptions> parse_sync_options(const std::vector<std::string_view>& args,
                                              int default_limit, bool runs_due, bool works) {
    SyncOptions options{.limit = default_limit};
    for (size_t i = 0; i < args.size(); ++i) {
        const bool has_value = i + 1 < args.size();
        if (args[i] == "--retry-failed" && !runs_due && !works) {
            options.retry_failed = true;
        } else if (args[i] == "--limit" && has_value && !works) {
            if (!parse_count(args[++i], INT32_MAX, options.limit)) return std::nullopt;
        } else if (args[i] == "--senders" && has_value && (runs_due || works)) {
            if (!parse_count(args[++i], worker::kMaxSenders, options.senders)) return std::nullopt;
        } else if (args[i] == "--poll-seconds" && has_value && works) {
            if (!parse_count(args[++i], kMaxPollSeconds, options.poll_seconds)) return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    return options;
}

int commerce7_sync(Db& db, const Config& config, const SyncOptions& options) {
    if (!commerce7::enabled(config)) {
        std::cout << "Commerce7 is off (COMMERCE7_APP_ID, COMMERCE7_SECRET and COMMERCE7_TENANT "
                     "are not all set): nothing to sync\n";
        return 0;
    }
    if (options.retry_failed) {
        const auto requeued = db.transact([](Tx& tx) { return commerce7::requeue_failed(tx); });
        std::cerr << "queued " << requeued << " failed contact(s) again\n";
    }
    const auto run = commerce7::sync_pending(db, config, options.limit);
    if (run.auth_refused) {
        std::cerr << "textus-admin: Commerce7 refused the credentials (COMMERCE7_APP_ID, "
                     "COMMERCE7_SECRET, COMMERCE7_TENANT); the run stopped\n";
    }
    std::cout << "synced " << run.synced << ", failed " << run.failed << ", remaining "
              << run.remaining << "\n";
    return run.failed > 0 || run.auth_refused ? 1 : 0;
}

int run_due(const Config& config, const SyncOptions& options) {
    const auto run = worker::run_due(config, options.limit, options.senders);
    std::cout << "sent " << run.sent << ", failed " << run.failed << ", held for quiet hours "
              << run.held << "; campaigns: sent " << run.campaign_sent << ", failed "
              << run.campaign_failed << ", skipped " << run.campaign_skipped
              << "; outbox: auto-replies decided " << run.auto_replies_decided << ", sent "
              << run.outbox_sent << ", failed " << run.outbox_failed << ", found at Twilio "
              << run.outbox_settled << ", refreshed " << run.outbox_refreshed
              << "; email alerts: sent " << run.emails_sent << ", failed " << run.emails_failed
              << "; media: stored " << run.media_stored << ", failed " << run.media_failed
              << ", deleted " << run.media_deleted << "\n";
    return 0;
}

int work(const Config& config, const SyncOptions& options) {
    struct sigaction action {};
    action.sa_handler = [](int) { stopping = true; };
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::cerr << "textus-admin: working with " << options.senders << " senders\n";
    worker::work(config, options.senders, std::chrono::seconds(options.poll_seconds), stopping);
    std::cerr << "textus-admin: stopped\n";
    return 0;
}

int run(Db& db, std::string_view command, const std::string& name,
        std::optional<std::string_view> key_owner) {
    if (command == "migrate") {
        const auto applied = migrate(db, bundled_migrations());
        for (const auto& migration : applied) std::cerr << "applied " << migration << "\n";
        std::cerr << (applied.empty() ? "schema is up to date\n" : "");
        return 0;
    }
    if (command == "create-key") {
        std::cout << db.transact([&](Tx& tx) {
            return auth::create_key(tx, audit::kAdminTool, name, key_owner);
        }) << "\n";
        return 0;
    }
    if (command == "revoke-key") {
        if (db.transact([&](Tx& tx) { return auth::revoke_key(tx, audit::kAdminTool, name); })) {
            return 0;
        }
        std::cerr << "textus-admin: no active key named '" << name << "'\n";
        return 1;
    }
    if (command == "reset-password") {
        std::cout << db.transact([&](Tx& tx) {
            return people::reset_password(tx, audit::kAdminTool, name).password;
        }) << "\n";
        return 0;
    }
    if (command == "list-keys") {
        for (const auto& key : db.transact([](Tx& tx) { return auth::list_keys(tx); })) {
            std::cout << key.name << "\tcreated " << key.created_at << "\t"
                      << (key.revoked_at ? "revoked " + *key.revoked_at : "active") << "\n";
        }
        return 0;
    }
    std::cerr << kUsage;
    return 2;
}

}  // namespace

struct NewUser {
    std::string email;
    std::string name;
    people::Role role;
};

// create-user's arguments after the command; nothing when they are not EMAIL --role ROLE
// [--name NAME]. A bad role is the database-free 400 of people::parse_role, thrown.
std::optional<NewUser> parse_new_user(const std::vector<std::string_view>& args) {
    if (args.empty() || args[0].starts_with("--")) return std::nullopt;
    std::optional<std::string_view> role, name;
    for (size_t i = 1; i < args.size(); i += 2) {
        auto* slot = args[i] == "--role" ? &role : args[i] == "--name" ? &name : nullptr;
        if (!slot || *slot || i + 1 == args.size()) return std::nullopt;
        *slot = args[i + 1];
    }
    if (!role) return std::nullopt;
    const auto email = std::string(args[0]);
    return NewUser{email, name ? std::string(*name) : email.substr(0, email.find('@')),
                   people::parse_role(*role, "--role")};
}

int create_user(Db& db, const NewUser& user) {
    const auto created = db.transact([&](Tx& tx) {
        return people::create(tx, audit::kAdminTool, user.email, user.name, user.role);
    });
    std::cout << created.password << "\n";
    return 0;
}

int main(int argc, char** argv) {
    const std::string_view command = argc > 1 ? argv[1] : "";
    const bool needs_name =
        command == "create-key" || command == "revoke-key" || command == "reset-password";
    const bool runs_due = command == "run-due";
    const bool works = command == "work";
    std::optional<SyncOptions> sync_options;
    std::optional<NewUser> new_user;
    std::optional<std::string_view> key_owner;
    if (command == "create-user") {
        try {
            new_user = parse_new_user(std::vector<std::string_view>(argv + 2, argv + argc));
        } catch (const HttpError& error) {
            std::cerr << "textus-admin: " << error.what() << "\n";
            return 2;
        }
        if (!new_user) {
            std::cerr << kUsage;
            return 2;
        }
    } else if (command == "commerce7-sync" || runs_due || works) {
        sync_options = parse_sync_options(
            std::vector<std::string_view>(argv + 2, argv + argc),
            runs_due ? worker::kDefaultRunLimit : commerce7::kDefaultSyncLimit, runs_due, works);
        if (!sync_options) {
            std::cerr << kUsage;
            return 2;
        }
    } else if (argc == 5 && command == "create-key" && std::string_view(argv[3]) == "--user") {
        key_owner = argv[4];
    } else if (argc != (needs_name ? 3 : 2) || (needs_name && std::string_view(argv[2]).empty())) {
        std::cerr << kUsage;
        return 2;
    }
    log::init("textus-admin", "warn");
    try {
        const std::string_view required[] = {"DATABASE_URL"};
        const auto config = Config::load(std::getenv, required);
        if (runs_due) return run_due(config, *sync_options);
        if (works) return work(config, *sync_options);
        Db db(config.database_url);
        if (sync_options) return commerce7_sync(db, config, *sync_options);
        if (new_user) return create_user(db, *new_user);
        return run(db, command, needs_name ? argv[2] : "", key_owner);
    } catch (const ConfigError& error) {
        for (const auto& problem : error.problems) std::cerr << "textus-admin: " << problem << "\n";
    } catch (const HttpError& error) {
        std::cerr << "textus-admin: " << error.what() << "\n";
    } catch (const std::exception& error) {
        std::cerr << "textus-admin: " << error.what() << "\n";
    }
    return 1;
}
