#include "common/core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace textus::log {

void init(std::string_view program, std::string_view level) {
    // Thread-safe: run-due's senders log from their own threads.
    auto logger = spdlog::stderr_logger_mt(std::string(program));
    // journald adds its own timestamp; a local run still wants one to read.
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %n %l %v", spdlog::pattern_time_type::utc);
    logger->set_level(spdlog::level::from_str(std::string(level)));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
}

std::string mask_phone(std::string_view phone) {
    if (phone.size() <= 8) return std::string(phone.size(), '*');
    const size_t head = phone.size() - 4 > 5 ? 5 : phone.size() - 4;
    return std::string(phone.substr(0, head)) + "***" + std::string(phone.substr(phone.size() - 4));
}

std::string mask_email(std::string_view email) {
    const auto at = email.rfind('@');
    if (at == std::string_view::npos || at == 0) return "***";
    return std::string(email.substr(0, 1)) + "***" + std::string(email.substr(at));
}

}  // namespace textus::log
