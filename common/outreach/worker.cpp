#include "common/outreach/worker.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/contacts/commerce7_sync.h"
#include "common/core/error.h"
#include "common/core/pace.h"
#include "common/core/phone.h"
#include "common/core/phone_zone.h"
#include "common/db/db.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/media/media_store.h"
#include "common/messages/conversation_store.h"
#include "common/outreach/campaign.h"
#include "common/outreach/campaign_queue.h"
#include "common/outreach/campaign_store.h"
#include "common/outreach/media_fetch.h"
#include "common/outreach/outbox_worker.h"
#include "common/outreach/pace_store.h"
#include "common/outreach/quiet_hours_store.h"
#include "common/outreach/schedule_store.h"
#include "common/outreach/wait_alert.h"
#include "common/sending/outbox.h"
#include "common/sending/send.h"

namespace textus::worker {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A number of no country: quiet hours cannot be kept (phone::time_zones).
HttpError no_time_zone() {
    return HttpError(422, "no_time_zone",
                     "This number has no country, so nobody knows whether it is night there; "
                     "send it yourself if you are sure");
}

// What quiet hours say of a text to `phone` now: it may go, it waits until `until`, or nobody
// knows the number's local time (no_zone: a person decides).
struct Quiet {
    std::optional<std::string> until{};
    bool no_zone = false;
};
Quiet quiet_for(Tx& tx, const std::string& phone, const quiet_hours::Window& window) {
    if (!window.enabled) return {};
    const auto zones = phone::time_zones(phone);
    if (zones.empty()) return {.no_zone = true};
    return {.until = quiet_hours::hold_until(tx, zones, window)};
}

void finish(Db& db, int64_t id, const std::string& status, std::optional<int64_t> message_id,
            const json& error) {
    db.transact([&](Tx& tx) { schedule::finish(tx, id, status, message_id, error); });
}

// Wakes idle senders: a NOTIFY came (common/sending/outbox), or the worker is stopping. count()
// tells a sender whether one came since it last looked.
class Wake {
  public:
    // One idle sender wakes for a NOTIFY: it goes on while it finds work, and each commit that
    // queues more notifies again, waking the next. Waking all would have each look, and all
    // but one find nothing. `all`: to stop.
    void notify(bool all = false) {
        {
            std::lock_guard lock(mutex_);
            ++count_;
        }
        if (all) {
            cv_.notify_all();
        } else {
            cv_.notify_one();
        }
    }
    uint64_t count() {
        std::lock_guard lock(mutex_);
        return count_;
    }
    // Until a notify later than the count a sender saw last (`seen`: at once if one came since),
    // `timeout`, or `stopping`; true when a notify came.
    bool wait_after(uint64_t seen, std::chrono::milliseconds timeout,
                    const std::atomic<bool>& stopping) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return count_ != seen || stopping; }) &&
               count_ != seen;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    uint64_t count_ = 0;
};
// busy: another worker's send of it is under way.
enum class Step { none, held, busy, sent, failed, skipped };

// The next due scheduled send: held for quiet hours, or sent through the send path.
Step scheduled_turn(Db& db, const Config& config, twilio::Client& client,
                    const quiet_hours::Window& window) {
    bool held = false;
    bool no_zone = false;
    const auto claimed = db.transact([&](Tx& tx) -> std::optional<schedule::Scheduled> {
        auto s = schedule::claim_due(tx, kClaimSeconds);
        if (!s) return s;
        const auto quiet = quiet_for(tx, schedule::recipient_phone(tx, *s), window);
        no_zone = quiet.no_zone;
        if (quiet.until) {
            schedule::hold(tx, s->id, *quiet.until);
            held = true;
        }
        return s;
    });
    if (!claimed) return Step::none;
    if (held) return Step::held;
    const auto& s = *claimed;
    // Nobody knows whether it is night there: a person decides, and sends it themselves.
    if (no_zone) {
        finish(db, s.id, "failed", std::nullopt, send::error_json(no_time_zone()));
        return Step::failed;
    }
    if (s.body.empty() && !s.template_id && s.media_urls.empty()) {
        finish(db, s.id, "failed", std::nullopt,
               send::error_json(
                   bad_request("template_deleted", "Its template was deleted before it was due")));
        return Step::failed;
    }
    send::Request request;
    request.contact_id = s.contact_id;
    request.body = s.body;
    request.template_id = s.template_id;
    request.media_urls = s.media_urls;
    request.idempotency_key = "scheduled-" + std::to_string(s.id);
    request.automated = true;
    std::optional<int64_t> message_id;
    try {
        const auto prepared =
            db.transact([&](Tx& tx) { return send::prepare(tx, request, config, s.created_by); });
        message_id = prepared.message.id;
        const auto sent = prepared.replay ? prepared.message
                                          : send::deliver(db, config, client, prepared.message,
                                                          prepared.chats, send::Unavailable::waits);
        finish(db, s.id, "sent", sent.id, nullptr);
        return Step::sent;
    } catch (const HttpError& error) {
        // Another worker's send of it is still under way: its claim decides.
        if (error.code == "send_in_progress") return Step::busy;
        spdlog::warn("scheduled send {} failed: {}", s.id, error.code);
        finish(db, s.id, "failed", message_id, send::error_json(error));
        return Step::failed;
    }
}

// A campaign message's step, and the campaign it was of.
struct CampaignStep {
    Step step = Step::none;
    int64_t campaign_id = 0;
    bool paused = false;                // the campaign was paused on a Twilio failure
    std::chrono::milliseconds wait{0};  // none due now, but one is in this long (the pace)
};

// The next campaign recipient whose turn has come: skipped, held for quiet hours, or sent
// through the send path. Its message is committed, and the recipient with it as sending,
// before Twilio is called; a send the rules refuse takes no turn of the pace.
CampaignStep campaign_turn(Db& db, const Config& config, twilio::Client& client,
                           const quiet_hours::Window& window, double rate) {
    CampaignStep out;
    std::optional<campaign::Turn> turn;
    std::optional<send::Prepared> prepared;
    try {
        prepared = db.transact([&](Tx& tx) -> std::optional<send::Prepared> {
            out = {};
            turn = campaign::claim(tx);
            if (!turn) return std::nullopt;
            out.campaign_id = turn->campaign_id;
            if (!turn->contact_id || !phone::parse(turn->phone, config.default_region).e164) {
                campaign::skip(tx, turn->recipient_id,
                               turn->contact_id ? "invalid_number" : "contact_deleted");
                out.step = Step::skipped;
                return std::nullopt;
            }
            const auto quiet = quiet_for(tx, turn->phone, window);
            if (quiet.no_zone) {
                campaign::skip(tx, turn->recipient_id, "no_time_zone");
                out.step = Step::skipped;
                return std::nullopt;
            }
            if (quiet.until) {
                campaign::hold(tx, turn->recipient_id, *quiet.until);
                out.step = Step::held;
                return std::nullopt;
            }
            if (const auto wait = pace::take_turn(tx, rate)) {
                out.wait = *wait;
                return std::nullopt;
            }
            send::Request request;
            request.contact_id = turn->contact_id;
            request.template_body = turn->body;
            request.idempotency_key = "campaign-" + std::to_string(turn->recipient_id);
            request.automated = true;
            auto p = send::prepare(tx, request, config, turn->created_by);
            campaign::mark_sending(tx, turn->recipient_id, p.message.id);
            return p;
        });
    } catch (const HttpError& error) {
        // The database failing stops the run; a refusal of this one recipient does not.
        if (!turn || error.status >= 500) throw;
        // Refused, the claim went with the rollback: another sender may have decided the same
        // meanwhile, and the first to record it counts it.
        const auto reason = campaign::skip_reason(error);
        const bool recorded = db.transact([&](Tx& tx) {
            return reason ? campaign::skip(tx, turn->recipient_id, *reason)
                          : campaign::fail(tx, turn->recipient_id, send::error_json(error));
        });
        out.step = !recorded ? Step::busy : reason ? Step::skipped : Step::failed;
        return out;
    }
    if (!prepared) return out;
    out.step = Step::sent;
    if (prepared->replay) return out;
    try {
        send::deliver(db, config, client, prepared->message, prepared->chats,
                      send::Unavailable::waits);
    } catch (const HttpError& error) {
        out.step = campaign::skip_reason(error) ? Step::skipped : Step::failed;
        // Twilio down or refusing our credentials would fail every recipient after this one.
        if (error.status >= 500) {
            spdlog::warn("campaign {} paused: its send failed ({})", out.campaign_id, error.code);
            db.transact([&](Tx& tx) {
                campaign::pause_for_error(tx, out.campaign_id, send::error_json(error));
            });
            out.paused = true;
        }
    }
    return out;
}

void publish_campaign(Db& db, const Config& config, int64_t id) {
    try {
        const auto c = db.transact([&](Tx& tx) { return campaign::find(tx, id); });
        if (c) publish::staff(config, staff_events::campaign(campaign::to_json(*c)));
    } catch (const HttpError& error) {
        spdlog::warn("campaign {}: progress not published ({})", id, error.code);
    }
}

// What the senders of one run share: the count of steps against the limit, the results, and
// when each campaign's progress was last published.
class Run {
  public:
    Run(const Config& config, int limit) : config_(config), limit_(limit) {}

    // A step's place under the limit: false once the limit is reached. A step that found
    // nothing gives it back.
    bool take_step() {
        std::lock_guard lock(mutex_);
        if (steps_ >= limit_) return false;
        ++steps_;
        return true;
    }
    void give_back_step() {
        std::lock_guard lock(mutex_);
        --steps_;
    }
    void count(outbox::Duty duty) {
        std::lock_guard lock(mutex_);
        if (duty == outbox::Duty::decided || duty == outbox::Duty::replied) {
            ++result_.auto_replies_decided;
        }
        if (duty == outbox::Duty::sent || duty == outbox::Duty::replied) ++result_.outbox_sent;
        if (duty == outbox::Duty::failed) ++result_.outbox_failed;
        if (duty == outbox::Duty::settled) ++result_.outbox_settled;
        if (duty == outbox::Duty::refreshed) ++result_.outbox_refreshed;
    }
    void count(Step step, bool campaign) {
        std::lock_guard lock(mutex_);
        if (step == Step::held) ++result_.held;
        if (step == Step::sent) ++(campaign ? result_.campaign_sent : result_.sent);
        if (step == Step::failed) ++(campaign ? result_.campaign_failed : result_.failed);
        if (step == Step::skipped) ++result_.campaign_skipped;
    }
    // Publishes campaign `id`'s progress when `now`, or when it was not published in the last
    // second.
    void progress(Db& db, int64_t id, bool now) {
        {
            std::lock_guard lock(mutex_);
            const auto last = published_.find(id);
            if (!now && last != published_.end() &&
                Clock::now() - last->second < std::chrono::seconds(1)) {
                return;
            }
            published_[id] = Clock::now();
        }
        publish_campaign(db, config_, id);
    }
    // The last counts of every campaign this run sent to, whatever the throttle held back.
    void final_progress(Db& db) {
        for (const auto& [id, when] : published_) publish_campaign(db, config_, id);
    }
    RunResult result() const { return result_; }

  private:
    const Config& config_;
    const int limit_;
    std::mutex mutex_;
    int steps_ = 0;
    RunResult result_;
    std::map<int64_t, Clock::time_point> published_;
};

// One sender: what is due, one step at a time, on its own connection and Twilio client. When
// nothing is: without `wake` (run-due) it stops; with it (the worker) it waits for a NOTIFY or
// `poll`, until `stopping`.
void send_due(const Config& config, Run& run, Wake* wake, std::chrono::milliseconds poll,
              const std::atomic<bool>& stopping) {
    Db db(config.database_url);
    twilio::Client client(config);
    // Config::load checked both.
    const auto window = *quiet_hours::parse(config.quiet_hours);
    const auto rate = *pace::parse(config.campaign_rate);
    // While campaign messages flow, the rest is looked at once a second, not before each
    // message (a transaction a message saved); the outbox's notified duties at once when a
    // NOTIFY came, and again while they find work: an auto-reply does not wait for a campaign.
    auto next_look = Clock::now();
    auto seen_wakes = wake ? wake->count() : 0;
    bool outbox_busy = false;
    while (run.take_step()) {
        const bool due = Clock::now() >= next_look;
        const bool woken = wake && wake->count() != seen_wakes;
        if (woken) seen_wakes = wake->count();
        if (due || woken || outbox_busy) {
            const auto duty = outbox::next_duty(db, config, client, due);
            outbox_busy = duty != outbox::Duty::none;
            if (outbox_busy) {
                run.count(duty);
                continue;
            }
        }
        if (due) {
            // Snoozes end on time: within a second, or `poll` for an idle worker.
            for (const auto& opened : db.transact(conversations::end_snoozes)) {
                publish::staff(config, staff_events::conversation(conversations::to_json(opened)));
            }
            if (const auto step = scheduled_turn(db, config, client, window); step != Step::none) {
                run.count(step, false);
                continue;
            }
            for (const auto id : db.transact(campaign::complete_finished)) {
                run.progress(db, id, true);
            }
            next_look = Clock::now() + std::chrono::seconds(1);
        }
        const auto step = campaign_turn(db, config, client, window, rate);
        if (step.step != Step::none) {
            run.count(step.step, true);
            run.progress(db, step.campaign_id, step.paused);
            continue;
        }
        run.give_back_step();
        if (step.wait.count() > 0) {
            // The campaign's pace: a NOTIFY meanwhile is seen at once.
            if (wake) {
                wake->wait_after(seen_wakes, step.wait, stopping);
            } else {
                std::this_thread::sleep_for(step.wait);
            }
            continue;
        }
        if (!wake) {
            if (due) break;  // run-due: everything was looked at just now, and nothing is due
            next_look = Clock::now();
            continue;
        }
        // The worker: wait for a NOTIFY (its duties only) or the poll (everything).
        if (!wake->wait_after(seen_wakes, poll, stopping)) next_look = Clock::now();
        if (stopping) break;
    }
}

// Runs `senders` send_due threads; a sender's failure is thrown once all have stopped.
void run_senders(const Config& config, Run& run, int senders, Wake* wake,
                 std::chrono::milliseconds poll, const std::atomic<bool>& stopping) {
    std::vector<std::exception_ptr> failures(senders);
    std::vector<std::thread> threads;
    for (int i = 0; i < senders; ++i) {
        threads.emplace_back([&, i] {
            try {
                send_due(config, run, wake, poll, stopping);
            } catch (...) {
                failures[i] = std::current_exception();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }
}

}  // namespace

RunResult run_due(const Config& config, int limit, int senders) {
    // A configuration that cannot reach Twilio fails here, before anything is claimed.
    twilio::Client check(config);
    Run run(config, limit);
    const std::atomic<bool> never{false};
    run_senders(config, run, senders, nullptr, {}, never);
    Db db(config.database_url);
    run.final_progress(db);
    auto result = run.result();
    const auto emailed = wait_alert::email_waiting(db, config);
    result.emails_sent = emailed.sent;
    result.emails_failed = emailed.failed;
    const auto fetched = media::fetch_due(db, config, limit);
    result.media_stored = fetched.stored;
    result.media_failed = fetched.failed;
    result.media_deleted = media::apply_retention(db, config).deleted;
    return result;
}

void work(const Config& config, int senders, std::chrono::seconds poll,
          const std::atomic<bool>& stopping) {
    twilio::Client check(config);
    Wake wake;
    // The listener: a NOTIFY (common/sending/outbox) wakes the idle senders at once. Without the
    // database it retries each second; the senders meanwhile fail and are started again.
    std::thread listener([&] {
        Db db(config.database_url);
        while (!stopping) {
            try {
                if (db.await_notification(std::string(outbox::kChannel), std::chrono::seconds(1))) {
                    wake.notify();
                }
            } catch (const HttpError&) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
            }
        }
        wake.notify(true);
    });
    // Leads waiting for Commerce7: their own thread and connection, so a slow Commerce7 never
    // holds a text back.
    std::thread mirror([&] {
        if (!commerce7::enabled(config)) return;
        Db db(config.database_url);
        auto next = Clock::now();
        while (!stopping) {
            if (Clock::now() >= next) {
                try {
                    const auto run = commerce7::sync_pending(db, config, kCommerce7Batch);
                    // What needs a person: a lead that failed again, or our credentials.
                    if (run.failed > 0 || run.auth_refused) {
                        spdlog::warn("worker: Commerce7 leads synced {}, failed {}, pending {}{}",
                                     run.synced, run.failed, run.remaining,
                                     run.auth_refused ? "; Commerce7 refused our credentials" : "");
                    }
                } catch (const std::exception& error) {
                    spdlog::warn("worker: Commerce7 sync stopped ({})", log_code(error));
                }
                next = Clock::now() + std::chrono::seconds(kCommerce7RetrySeconds);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    // Email for texts that wait: its own thread, as a slow relay must not hold a text back.
    std::thread mailer([&] {
        if (config.smtp_url.empty()) return;
        Db db(config.database_url);
        auto next = Clock::now();
        while (!stopping) {
            if (Clock::now() >= next) {
                try {
                    wait_alert::email_waiting(db, config);
                } catch (const std::exception& error) {
                    spdlog::warn("worker: email alerts stopped ({})", log_code(error));
                }
                next = Clock::now() + std::chrono::seconds(kWaitAlertSeconds);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    // Inbound media: their own thread and connection, as a slow download must not hold a text
    // back. A NOTIFY wakes it for a new item; `poll` for one whose retry came due.
    std::thread fetcher([&] {
        Db db(config.database_url);
        twilio::Client client(config);
        auto retention = Clock::now();
        while (!stopping) {
            try {
                if (Clock::now() >= retention) {
                    media::apply_retention(db, config);
                    retention = Clock::now() + std::chrono::seconds(media::kRetentionSeconds);
                }
                while (!stopping && media::fetch_next(db, config, client) != media::Fetched::none) {
                }
                db.await_notification(std::string(media::kChannel), poll);
            } catch (const std::exception& error) {
                spdlog::warn("worker: media fetch stopped ({}); again in 1 s", log_code(error));
                std::this_thread::sleep_for(std::chrono::seconds(1));
            }
        }
    });
    while (!stopping) {
        Run run(config, INT32_MAX);
        try {
            run_senders(config, run, senders, &wake, poll, stopping);
        } catch (const HttpError& error) {
            spdlog::error("worker: {} ({}); starting again in 1 s", error.what(), error.code);
            wake.wait_after(wake.count(), std::chrono::seconds(1), stopping);
        }
        Db db(config.database_url);
        try {
            run.final_progress(db);
        } catch (const HttpError&) {
        }
    }
    listener.join();
    mirror.join();
    mailer.join();
    fetcher.join();
}

}  // namespace textus::worker
