// `customerdb rpc`: the stdio transport of docs/protocol.md. One request or batch per line on
// standard input, one response line per answered line on standard output, flushed at once;
// logs on standard error; end of input is a clean shutdown.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "command.hpp"
#include "customerdb/server/dispatcher.hpp"
#include "server_flags.hpp"

namespace customerdb::cli {

namespace {

// Reads standard input line by line, with a bound on the bytes kept per line.
class line_reader {
 public:
  explicit line_reader(int fd) : fd_(fd) {}

  // Reads the next line (without its '\n'; a last line without one counts). Returns false at
  // end of input. A line longer than `limit` is read to its end but not kept: `too_long` is set.
  bool next(std::string& line, std::size_t limit, bool& too_long) {
    line.clear();
    too_long = false;
    bool any = false;
    for (;;) {
      if (pos_ == end_ && !fill()) return any;
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
  bool fill() {
    for (;;) {
      const ssize_t got = ::read(fd_, buffer_, sizeof buffer_);
      if (got > 0) {
        pos_ = 0;
        end_ = static_cast<std::size_t>(got);
        return true;
      }
      if (got == 0 || errno != EINTR) return false;
    }
  }

  int fd_;
  char buffer_[1 << 16];
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
};

constexpr std::string_view summary =
    R"(Answers JSON-RPC 2.0 requests (docs/protocol.md describes them), one request or batch per
line on standard input, one response line each on standard output. End of input shuts down
cleanly (exit status 0); when standard output cannot be written (a full disk, a reader that went
away), the store is made durable and the exit status is 1.)";

}  // namespace

int rpc_command(const arguments& args) {
  po::options_description options("Options");
  options.add_options()  //
      ("max-request-bytes",
       whole_number<std::size_t>(1)->default_value(64u << 20)->value_name("N"),
       "the longest request line accepted");
  add_server_flags(options);
  auto parsed = parse_with_persistence("customerdb rpc [options]", summary, options, nullptr, args);
  if (parsed.exit_status) return *parsed.exit_status;
  const server_flags flags = read_server_flags(parsed.vars);

  auto module = open_module(parsed.persistence);
  if (!module) return 1;
  server::dispatcher_options dopts = flags.dispatcher;
  dopts.max_request_bytes = parsed.vars["max-request-bytes"].as<std::size_t>();
  server::dispatcher dispatcher(*module, dopts);

  // A reader that went away is a write error below, not a signal that kills the process
  // before the store is made durable.
  std::signal(SIGPIPE, SIG_IGN);
  auto input = std::make_unique<line_reader>(STDIN_FILENO);
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
  dispatcher.close();
  module.reset();  // clean shutdown: the module makes its data durable
  return written ? 0 : 1;
}

}  // namespace customerdb::cli
