#include "tests/integration/child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace textus::test {

namespace {

std::vector<char*> pointers(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

std::string_view name_of(std::string_view setting) {
    return setting.substr(0, setting.find('='));
}

}  // namespace

// fork rather than posix_spawn: the child asks for a signal when its parent dies.
Child::Child(const std::vector<std::string>& args, const std::vector<std::string>& environment,
             const std::string& output_path) {
    const auto argv = pointers(args);
    const auto envp = pointers(environment);
    int output[2] = {-1, -1};
    if (output_path.empty() && pipe2(output, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) {
        for (const int fd : output) {
            if (fd >= 0) close(fd);
        }
        throw std::runtime_error("cannot start " + args.at(0));
    }
    if (pid_ == 0) {
        // Only async-signal-safe calls until exec: the test process may run other threads.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(127);  // the parent died before prctl
        const int out = output_path.empty()
                            ? output[1]
                            : open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || dup2(out, STDOUT_FILENO) < 0 ||
            (!output_path.empty() && dup2(out, STDERR_FILENO) < 0)) {
            _exit(127);
        }
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    if (output_path.empty()) {
        close(output[1]);
        output_ = output[0];
    }
}

Child::~Child() {
    if (output_ >= 0) close(output_);
    stop();
}

std::string Child::first_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    char c;
    while (output_ >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{output_, POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0 ||
            read(output_, &c, 1) != 1 || c == '\n') {
            break;
        }
        line += c;
    }
    if (output_ >= 0) close(output_);
    output_ = -1;
    return line;
}

bool Child::reaped(bool block) {
    if (status_) return true;
    int status = 0;
    pid_t waited;
    do {
        waited = waitpid(pid_, &status, block ? 0 : WNOHANG);
    } while (waited < 0 && errno == EINTR);
    if (waited == 0) return false;
    // -1: waitpid failed (the child reaped elsewhere).
    status_ = waited < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
}

bool Child::running() {
    return !reaped(false);
}

int Child::stop(std::chrono::milliseconds grace) {
    if (reaped(false)) return *status_;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (!reaped(false)) {
        if (std::chrono::steady_clock::now() > deadline) return kill();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return *status_;
}

int Child::kill() {
    if (!reaped(false)) {
        ::kill(pid_, SIGKILL);
        reaped(true);
    }
    return *status_;
}

std::vector<std::string> own_environment() {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) out.emplace_back(*e);
    return out;
}

std::vector<std::string> with_settings(std::vector<std::string> environment,
                                       const std::vector<std::string>& settings) {
    for (const auto& setting : settings) {
        std::erase_if(environment,
                      [&](const std::string& e) { return name_of(e) == name_of(setting); });
        environment.push_back(setting);
    }
    return environment;
}

}  // namespace textus::test
