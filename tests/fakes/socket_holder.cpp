// socket-holder: systemd's socket activation (a .socket unit with Accept=no) where systemd cannot
// run, for the idle-exit test and bench (docs/decisions.md, Scale to zero). It binds and listens
// on a unix socket and keeps it open; whenever a connection is pending and the service is not
// running, it starts the service with the listening socket as fd 0 in a session of its own (as
// systemd's StandardInput=socket and setsid()), and waits for it to end. A connection that came
// meanwhile is still pending then, and starts it again. systemd-socket-activate cannot stand in:
// it execs the program once, and nothing listens after it ends.
//
//   socket-holder SOCKET PIDFILE PROGRAM [ARG...]
//
// The socket is 0666 (a test's nginx workers connect). It prints "listening" once, then
// "started PID" and "ended PID STATUS" for each run of the service, flushed, on stdout.
// SIGTERM stops the service as systemctl stop does (TERM to its main process), then the holder.
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

volatile std::sig_atomic_t stopping = 0;

void stop(int) {
    stopping = 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: socket-holder SOCKET PIDFILE PROGRAM [ARG...]\n");
        return 2;
    }
    const std::string path = argv[1], pidfile = argv[2];
    struct sigaction action {};
    action.sa_handler = stop;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);

    const int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) {
        std::fprintf(stderr, "socket-holder: socket path too long\n");
        return 1;
    }
    std::strcpy(address.sun_path, path.c_str());
    unlink(path.c_str());
    if (listener < 0 ||
        bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        chmod(path.c_str(), 0666) != 0 || listen(listener, SOMAXCONN) != 0) {
        std::fprintf(stderr, "socket-holder: %s: %s\n", path.c_str(), std::strerror(errno));
        return 1;
    }
    std::printf("listening\n");
    std::fflush(stdout);

    while (!stopping) {
        // A short timeout, so that a SIGTERM between the check and the wait is seen.
        pollfd pending{listener, POLLIN, 0};
        if (poll(&pending, 1, 100) <= 0) continue;
        const pid_t pid = fork();
        if (pid < 0) {
            std::fprintf(stderr, "socket-holder: fork: %s\n", std::strerror(errno));
            return 1;
        }
        if (pid == 0) {
            setsid();
            dup2(listener, 0);  // dup2 clears close-on-exec on fd 0
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            execv(argv[3], argv + 3);
            std::fprintf(stderr, "socket-holder: exec %s: %s\n", argv[3], std::strerror(errno));
            _exit(127);
        }
        std::ofstream(pidfile) << pid << "\n";
        std::printf("started %d\n", pid);
        std::fflush(stdout);
        int status = 0;
        bool signalled = false;
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (stopping && !signalled) {
                kill(pid, SIGTERM);
                signalled = true;
            }
            usleep(2000);
        }
        unlink(pidfile.c_str());
        std::printf("ended %d %d\n", pid, status);
        std::fflush(stdout);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return 1;  // it cannot start
    }
    close(listener);
    unlink(path.c_str());
    return 0;
}
