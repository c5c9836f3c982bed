// `customerdb rpc`: the stdio transport of docs/protocol.md. One request or batch per line on
// standard input, one response line per answered line on standard output, flushed at once;
// logs on standard error; end of input is a clean shutdown.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "command.hpp"
#include "customerdb/server/dispatcher.hpp"
#include "grace_timer.hpp"
#include "replica_flags.hpp"
#include "server_flags.hpp"
#include "stop_signals.hpp"

namespace customerdb::cli {

namespace {

// A pipe whose read end becomes readable once stop() is called: it wakes a reader waiting
// for standard input.
class stop_pipe {
 public:
  stop_pipe() {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
      throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    }
  }
  ~stop_pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  stop_pipe(const stop_pipe&) = delete;
  stop_pipe& operator=(const stop_pipe&) = delete;

  int read_end() const noexcept { return fds_[0]; }
  void stop() noexcept { (void)!::write(fds_[1], "s", 1); }

 private:
  int fds_[2] = {-1, -1};
};

// Reads standard input line by line, with a bound on the bytes kept per line. Once `stop`
// is readable, no more is read: the lines already read whole are still returned, then end of
// input (a line read only in part is dropped).
class line_reader {
 public:
  line_reader(int fd, int stop) : fd_(fd), stop_(stop) {}

  // Reads the next line (without its '\n'; a last line without one counts). Returns false at
  // end of input. A line longer than `limit` is read to its end but not kept: `too_long` is set.
  bool next(std::string& line, std::size_t limit, bool& too_long) {
    line.clear();
    too_long = false;
    bool any = false;
    for (;;) {
      if (pos_ == end_) {
        const input got = fill();
        if (got == input::stopped) return false;  // a line only partly read is dropped
        if (got == input::end) return any;
      }
      any = true;
      const char* start = buffer_ + pos_;
      const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t n = nl ? static_cast<std::size_t>(nl - start) : end_ - pos_;
      if (!too_long) {
        if (line.size() + n > limit) {
          too_long = true;
          std::string().swap(line);
        } else {
          line.append(start, n);
        }
      }
      pos_ += n;
      if (nl) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  enum class input { data, end, stopped };

  input fill() {
    for (;;) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return input::end;
      }
      if (fds[1].revents != 0) return input::stopped;
      const ssize_t got = ::read(fd_, buffer_, sizeof buffer_);
      if (got > 0) {
        pos_ = 0;
        end_ = static_cast<std::size_t>(got);
        return input::data;
      }
      if (got == 0 || errno != EINTR) return input::end;
    }
  }

  int fd_;
  int stop_;
  char buffer_[1 << 16];
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
};

constexpr std::string_view rpc_summary =
    R"(Answers JSON-RPC 2.0 requests (docs/protocol.md describes them), one request or batch per
line on standard input, one response line each on standard output. End of input, SIGINT or
SIGTERM shut down cleanly: the lines already read are answered (a request still running after
--shutdown-timeout-ms is cancelled), open transactions are rolled back, the store is made
durable, exit status 0. A second signal stops at once (exit status 128 + the signal), skipping
the journal's final sync. When standard output cannot be written (a full disk, a reader that went
away), the store is made durable and the exit status is 1.)";

}  // namespace

int rpc_command(const arguments& args) {
  po::options_description options("Options");
  options.add_options()  //
      ("max-request-bytes", whole_number<std::size_t>(1)->default_value(64u << 20)->value_name("N"),
       "the longest request line accepted");
  add_server_flags(options);
#ifdef CUSTOMERDB_WITH_POSTGRES
  add_replica_flags(options);
#endif
  auto parsed = parse_with_persistence("customerdb rpc [options]", rpc_summary, options, nullptr, args,
                                       store_access::serving);
  if (parsed.exit_status) return *parsed.exit_status;
  const server_flags flags = read_server_flags(parsed.vars);
  // Before any thread starts, so that every thread leaves the signals to it.
  stop_signals signals;

  // A signal stops the reading of standard input (and, during start-up, the program once it
  // has started); a request still running after the grace period is cancelled.
  stop_pipe stop;
  std::atomic<bool> stopped{false};
  std::unique_ptr<customer_module> module;
#ifdef CUSTOMERDB_WITH_POSTGRES
  replica_link replica(read_replica_flags(parsed));  // after the module: destroyed before it
  if (parsed.exit_status) return *parsed.exit_status;
#endif
  std::atomic<customer_module*> opened{nullptr};  // the module once it is open
  grace_timer cancel_timer;
  stop_handler_scope on_signal(signals, [&](int signal) {
    report_error(fmt::format("signal {}: answering the lines already read, then stopping", signal));
    stopped.store(true);
    stop.stop();
    cancel_timer.start(flags.shutdown_timeout, [&] {
      report_error(fmt::format("shutdown: cancelling the calls still running after {} ms",
                               flags.shutdown_timeout.count()));
      if (customer_module* m = opened.load()) m->cancel_calls();
    });
  });

  module = open_module(parsed.persistence, parsed.limits, parsed.long_reads, parsed.replica_of);
  if (!module) return 1;
  opened.store(module.get());
  server::dispatcher_options dopts = flags.dispatcher;
#ifdef CUSTOMERDB_WITH_POSTGRES
  replica.start(*module);
  dopts.replica = replica.reporter();
#endif
  dopts.max_request_bytes = parsed.vars["max-request-bytes"].as<std::size_t>();
  dopts.request_timeout = parsed.request_timeout;
  server::dispatcher dispatcher(*module, dopts);

  // A reader that went away is a write error below, not a signal that kills the process
  // before the store is made durable.
  std::signal(SIGPIPE, SIG_IGN);
  auto input = std::make_unique<line_reader>(STDIN_FILENO, stop.read_end());
  std::string line;
  bool too_long = false;
  bool written = true;
  while (written && input->next(line, dopts.max_request_bytes, too_long)) {
    std::optional<std::string> reply;
    if (too_long) {
      reply = dispatcher.request_too_large();
    } else if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;  // blank lines are ignored
    } else {
      reply = dispatcher.handle(line);
    }
    if (reply) {
      reply->push_back('\n');
      errno = 0;
      std::fwrite(reply->data(), 1, reply->size(), stdout);
      written = flush_stdout();
    }
  }
  // What is left is rolling back and making the store durable: one more signal is ignored, a
  // second one stops at once (stop_signals.hpp).
  on_signal.reset();
  cancel_timer.disarm();
  dispatcher.close();
#ifdef CUSTOMERDB_WITH_POSTGRES
  replica.stop();  // before the module it writes to
#endif
  module.reset();  // clean shutdown: the module makes its data durable
  if (stopped.load()) report_error("stopped");
  return written ? 0 : 1;
}

}  // namespace customerdb::cli
