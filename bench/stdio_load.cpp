// Throughput of the stdio transport: starts `customerdb rpc` as a child process and measures
// requests per second for `create` and for `retrieve`, pipelined (a writer thread keeps up to
// --window requests in flight, as a client driving the pipe would) and one at a time (each
// request waits for its answer: the round-trip latency a simple test fixture sees).
//
//   customerdb_stdio_load --program build/release/customerdb [--requests 200000] [--rounds 5]
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "measure.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// A running `customerdb rpc` with pipes to its standard input and output.
class child {
 public:
  explicit child(const std::string& program) {
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::close(in[0]);
      ::close(in[1]);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(program.c_str(), program.c_str(), "rpc", static_cast<char*>(nullptr));
      std::perror("exec");
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = ::fdopen(out[0], "r");
  }

  ~child() {
    if (to_ >= 0) ::close(to_);
    if (from_) std::fclose(from_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  void write(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(to_, text.data() + done, text.size() - done);
      if (n <= 0) throw std::runtime_error("write to the child failed");
      done += static_cast<std::size_t>(n);
    }
  }

  // Reads one response line; throws if it is an error response.
  std::string read_line() {
    std::string line;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, from_)) {
      line += buffer;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (line.empty()) throw std::runtime_error("the child closed its output");
    if (line.find("\"error\"") != std::string::npos) {
      throw std::runtime_error("error response: " + line);
    }
    return line;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  std::FILE* from_ = nullptr;
};

std::string create_request(int i) {
  return fmt::format(
      "{{\"jsonrpc\":\"2.0\",\"id\":{0},\"method\":\"create\",\"params\":[{{\"email\":"
      "\"user{0}@example.com\",\"first_name\":\"First{0}\",\"last_name\":\"Last\",\"company_"
      "name\":\"Company {1}\"}}]}}\n",
      i, i % 1000);
}

std::string retrieve_request(int i, const std::string& id) {
  return fmt::format("{{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"retrieve\",\"params\":[\"{}\"]}}\n",
                     i, id);
}

std::string id_of(const std::string& response) {
  const auto at = response.find("\"result\":{\"id\":\"");
  if (at == std::string::npos) throw std::runtime_error("no id in " + response);
  const auto start = at + 16;
  return response.substr(start, response.find('"', start) - start);
}

// Sends requests(i) for i in [first, first + n) with up to `window` in flight; calls
// on_response(i, line) for each answer. Returns the seconds taken.
template <class Make, class OnResponse>
double pipelined(child& c, int first, int n, int window, Make make, OnResponse on_response) {
  std::mutex mutex;
  std::condition_variable cv;
  int answered = 0;
  const auto start = clock_type::now();
  std::thread writer([&] {
    std::string batch;
    for (int i = 0; i < n; ++i) {
      {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return i - answered < window; });
      }
      batch += make(first + i);
      if (batch.size() > 16384 || i + 1 == n || (i + 1 - answered) >= window) {
        c.write(batch);
        batch.clear();
      }
    }
  });
  for (int i = 0; i < n; ++i) {
    on_response(first + i, c.read_line());
    std::lock_guard lock(mutex);
    ++answered;
    cv.notify_one();
  }
  writer.join();
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")  //
      ("program", po::value<std::string>()->required(), "the customerdb executable")  //
      ("requests", po::value<int>()->default_value(200'000), "requests per round")  //
      ("rounds", po::value<int>()->default_value(5), "rounds (the median is reported)")  //
      ("window", po::value<int>()->default_value(256), "requests in flight when pipelined");
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, options), vars);
    if (vars.count("help")) {
      fmt::print("Usage: customerdb_stdio_load --program PATH [options]\n");
      return 0;
    }
    po::notify(vars);
  } catch (const po::error& e) {
    fmt::print(stderr, "customerdb_stdio_load: {}\n", e.what());
    return 2;
  }
  const auto program = vars["program"].as<std::string>();
  const int n = vars["requests"].as<int>();
  const int rounds = vars["rounds"].as<int>();
  const int window = vars["window"].as<int>();

  std::vector<double> create_rps;
  std::vector<double> retrieve_rps;
  std::vector<double> create_rtt;
  std::vector<double> retrieve_rtt;
  for (int r = 0; r < rounds; ++r) {
    child c(program);
    std::vector<std::string> ids(static_cast<std::size_t>(n));
    const double created = pipelined(
        c, 0, n, window, create_request,
        [&](int i, const std::string& line) { ids[static_cast<std::size_t>(i)] = id_of(line); });
    create_rps.push_back(n / created);
    const double retrieved = pipelined(
        c, 0, n, window,
        [&](int i) { return retrieve_request(i, ids[static_cast<std::size_t>(i * 7919 % n)]); },
        [](int, const std::string&) {});
    retrieve_rps.push_back(n / retrieved);
    // One at a time.
    const int m = std::min(n, 20'000);
    create_rtt.push_back(1e6 * pipelined(c, n, m, 1, create_request,
                                         [](int, const std::string&) {}) /
                         m);
    retrieve_rtt.push_back(
        1e6 *
        pipelined(
            c, 0, m, 1,
            [&](int i) { return retrieve_request(i, ids[static_cast<std::size_t>(i * 7919 % n)]); },
            [](int, const std::string&) {}) /
        m);
  }
  using customerdb::bench::median;
  fmt::print("stdio, {} requests per round, {} rounds, medians:\n", n, rounds);
  fmt::print("  create    pipelined (window {}): {:>9.0f} requests/s\n", window, median(create_rps));
  fmt::print("  retrieve  pipelined (window {}): {:>9.0f} requests/s\n", window,
             median(retrieve_rps));
  fmt::print("  create    one at a time:          {:>9.1f} us round trip ({:.0f} requests/s)\n",
             median(create_rtt), 1e6 / median(create_rtt));
  fmt::print("  retrieve  one at a time:          {:>9.1f} us round trip ({:.0f} requests/s)\n",
             median(retrieve_rtt), 1e6 / median(retrieve_rtt));
  return 0;
}
