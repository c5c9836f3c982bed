// Child processes of the benchmark: memory per customer and restart to first answer
// (child_process.hpp).
#include "child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <malloc.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "customerdb_peer.hpp"
#include "sqlite_peer.hpp"

extern char** environ;

namespace customerdb::peers {

namespace {

// Resident bytes of this process, after returning freed heap pages to the system.
double resident_bytes() {
  malloc_trim(0);
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Reads the whole of `fd` until end of file or, with `until_newline`, the first newline.
std::string read_from(int fd, bool until_newline) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (until_newline && text.find('\n') != std::string::npos) break;
  }
  return text;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  return status;
}

}  // namespace

double resident_bytes_per_customer(const std::function<std::unique_ptr<peer>()>& make,
                                   const data_set& data) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    std::string reply;
    try {
      auto p = make();
      const double before = resident_bytes();
      p->load(data);
      const double after = resident_bytes();
      reply = fmt::format("{}\n", (after - before) / static_cast<double>(data.customers()));
    } catch (const std::exception& e) {
      reply = fmt::format("error {}\n", e.what());
    }
    [[maybe_unused]] const auto written = ::write(fds[1], reply.data(), reply.size());
    ::_exit(0);  // no destructors: the parent's peers are not this process's to close
  }
  ::close(fds[1]);
  const std::string reply = read_from(fds[0], false);
  ::close(fds[0]);
  wait_for(pid);
  if (reply.empty() || reply.starts_with("error"))
    throw std::runtime_error("memory measurement failed: " +
                             (reply.empty() ? std::string("the child died") : reply));
  return std::stod(reply);
}

restart_result time_restart(const std::string& program, const std::vector<std::string>& arguments) {
  std::vector<std::string> args = {program, "--restart-child"};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error(fmt::format("cannot run {}: {}", program, std::strerror(rc)));
  }
  const std::string line = read_from(fds[0], true);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fds[0]);
  const int status = wait_for(pid);
  if (!line.starts_with("ids ") || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("restart child `{}` failed (status {}): {}",
                                         fmt::join(args, " "), status, line));
  restart_result result{.seconds = seconds, .first_page = {}};
  std::istringstream ids(line.substr(4));
  for (std::string id; ids >> id;) result.first_page.ids.push_back(id);
  return result;
}

int restart_child_main(const std::string& kind, const std::string& path) {
  try {
    answer a;
    if (kind == "customerdb") a = customerdb_first_page_after_open(path);
    else if (kind == "sqlite") a = sqlite_first_page_after_open(path);
    else throw std::runtime_error("unknown restart kind " + kind);
    const std::string line = fmt::format("ids {}\n", fmt::join(a.ids, " "));
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    std::_Exit(0);  // at once: tearing the store down is not part of a restart
  } catch (const std::exception& e) {
    std::fprintf(stdout, "error %s\n", e.what());
    std::fflush(stdout);
    return 1;
  }
}

}  // namespace customerdb::peers
