#include "tests/fakes/sim_server.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "common/core/log.h"

namespace textus::sim {

namespace {

std::string base64(const std::string& data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                    reinterpret_cast<const unsigned char*>(data.data()),
                    static_cast<int>(data.size()));
    return out;
}

sigset_t stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    return signals;
}

}  // namespace

void send_json(httplib::Response& res, const json& body) {
    res.set_content(body.dump(), "application/json");
}

bool basic_auth_ok(const httplib::Request& req, const std::string& user,
                   const std::string& password) {
    return req.get_header_value("Authorization") == "Basic " + base64(user + ":" + password);
}

std::string random_hex(size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::string out;
    for (size_t i = 0; i < n; ++i) out += kHex[random() % 16];
    return out;
}

std::string utc_now(const char* format) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char out[64];
    std::strftime(out, sizeof out, format, &utc);
    return out;
}

void read_settings(int argc, char** argv, std::span<const Setting> settings, const char* usage) {
    const auto set = [](const Setting& setting, const char* value) {
        if (auto* text = std::get_if<std::string*>(&setting.value)) {
            **text = value;
        } else {
            *std::get<int*>(setting.value) = std::atoi(value);
        }
    };
    for (const auto& setting : settings) {
        const char* value = std::getenv(setting.env);
        if (value && *value) set(setting, value);
    }
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || i + 1 >= argc || !flag.starts_with("--")) {
            std::cerr << usage;
            std::exit(flag == "--help" ? 0 : 2);
        }
        const char* value = argv[++i];
        const auto it = std::find_if(settings.begin(), settings.end(),
                                     [&](const Setting& s) { return flag.substr(2) == s.flag; });
        if (it == settings.end()) {
            std::cerr << "unknown flag " << flag << "\n" << usage;
            std::exit(2);
        }
        set(*it, value);
    }
}

Process::Process(std::string name) : name_(std::move(name)) {
    const char* level = std::getenv("LOG_LEVEL");
    textus::log::init(name_, level && *level ? level : "info");
    std::signal(SIGPIPE, SIG_IGN);
    const auto signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        spdlog::info("{} {} {}", req.method, req.path, res.status);
    });
}

int Process::serve(const Listen& listen) {
    const int port = listen.port
                         ? (server.bind_to_port(listen.host, listen.port) ? listen.port : -1)
                         : server.bind_to_any_port(listen.host);
    if (port <= 0) {
        std::cerr << name_ << ": cannot listen on " << listen.host << ":" << listen.port << "\n";
        return 1;
    }
    std::atomic<bool> signalled = false, listened = false;
    std::thread stopper([&] {
        const auto signals = stop_signals();
        int signal = 0;
        sigwait(&signals, &signal);
        signalled = true;
        // A signal right after the ready line can come before listen_after_bind() starts, when
        // stop() would do nothing and the server would then run on.
        while (!server.is_running() && !listened) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        server.stop();
    });
    const auto ready = "listening on http://" + listen.host + ":" + std::to_string(port);
    if (!listen.ready_file.empty()) std::ofstream(listen.ready_file) << ready << "\n";
    std::cout << ready << std::endl;
    const bool ok = server.listen_after_bind();
    listened = true;
    // Stopped otherwise than by a signal: wake the stopper so that it can be joined.
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    return ok ? 0 : 1;
}

void answer_errors(httplib::Server& server, ErrorAnswers answers) {
    server.set_exception_handler(
        [exception = std::move(answers.exception)](
            const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
            std::string what = "error";
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                what = e.what();
            }
            exception(req, res, what);
        });
    server.set_error_handler([not_found = std::move(answers.not_found)](const httplib::Request& req,
                                                                        httplib::Response& res) {
        if (res.status == 404 && res.body.empty() && !req.path.starts_with("/sim/")) {
            not_found(req, res);
        }
    });
}

Fault Fault::read(const json& body, int status) {
    return {body.value("count", 1), status, body.value("delayMs", 0), body.value("retryAfter", -1)};
}

void Fault::wait() const {
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

void Fault::add_retry_after(httplib::Response& res) const {
    if (retry_after >= 0) res.set_header("Retry-After", std::to_string(retry_after));
}

}  // namespace textus::sim
