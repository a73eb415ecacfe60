// A program a test starts and stops itself (a simulator, Prism, a resident worker), as a child
// of the test process: its exit status can be read, and it gets SIGTERM when the test process
// dies, so that a crashed test leaves none behind. The stack's own processes are deploy/'s.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace textus::test {

class Child {
  public:
    // Starts args[0], a path, with `args` in `environment` (NAME=VALUE each). Its standard
    // output comes to first_line(), or, given `output_path`, goes to that file (emptied first)
    // with its standard error. Made on the thread that stops it: the death signal follows the
    // thread that started it.
    Child(const std::vector<std::string>& args, const std::vector<std::string>& environment,
          const std::string& output_path = "");
    ~Child();  // stop()
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // The first line it writes, without the newline, waiting at most `timeout`: "" when none
    // came. Its later output is not read.
    std::string first_line(std::chrono::milliseconds timeout);

    bool running();

    // SIGTERM, then SIGKILL when it runs on past `grace`. Its exit status: 0 when it stopped
    // cleanly (under the sanitizers, with no leak and no report), 128 + N when signal N ended
    // it; the same again once it has stopped.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

    // SIGKILL: it stops wherever it is, as on a machine that dies. Its status, as stop()'s.
    int kill();

  private:
    // Whether it has ended, waiting for it when `block`; when it has, status_ says how.
    bool reaped(bool block);

    pid_t pid_ = -1;
    int output_ = -1;  // the read end of its standard output, until first_line()
    std::optional<int> status_;
};

// This process's environment, NAME=VALUE each.
std::vector<std::string> own_environment();

// `environment` with `settings` (NAME=VALUE each) in place of its values of those names, as
// env(1) would run a program.
std::vector<std::string> with_settings(std::vector<std::string> environment,
                                       const std::vector<std::string>& settings);

}  // namespace textus::test
