// customerdb_http_load: a small HTTP/1.1 keep-alive load generator for `customerdb serve`.
//
//   customerdb_http_load --port P [--host 127.0.0.1] [--connections 4] [--seconds 10]
//                        [--method retrieve|create|ping] [--customers 1000] [--token T]
//
// Opens N connections, each driven by its own thread with blocking sockets: send one
// `POST /rpc`, read the whole response, repeat (no pipelining), for M seconds. `retrieve` first
// creates `--customers` customers in one batch and then asks for random ones of them; `create`
// creates a new customer with a unique e-mail per request. Prints requests/s and the median and
// p99 latency. A non-200 answer or a JSON-RPC error counts as an error (exit status 1).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 4;
  double seconds = 10;
  std::string method = "retrieve";
  int customers = 1000;
  std::string token;
};

[[noreturn]] void usage_error(std::string_view message) {
  fmt::print(stderr, "customerdb_http_load: {}\n", message);
  fmt::print(stderr,
             "usage: customerdb_http_load --port P [--host H] [--connections N] [--seconds S] "
             "[--method retrieve|create|ping] [--customers K] [--token T]\n");
  std::exit(2);
}

options parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage_error(fmt::format("{} needs a value", flag));
    const std::string value = argv[++i];
    try {
      if (flag == "--host") {
        o.host = value;
      } else if (flag == "--port") {
        o.port = std::stoi(value);
      } else if (flag == "--connections") {
        o.connections = std::stoi(value);
      } else if (flag == "--seconds") {
        o.seconds = std::stod(value);
      } else if (flag == "--method") {
        o.method = value;
      } else if (flag == "--customers") {
        o.customers = std::stoi(value);
      } else if (flag == "--token") {
        o.token = value;
      } else {
        usage_error(fmt::format("unknown option {}", flag));
      }
    } catch (const std::logic_error&) {
      usage_error(fmt::format("bad value for {}: {}", flag, value));
    }
  }
  if (o.port <= 0 || o.port > 65535) usage_error("--port is required (1 to 65535)");
  if (o.connections < 1 || o.seconds <= 0 || o.customers < 1) usage_error("bad counts");
  if (o.method != "retrieve" && o.method != "create" && o.method != "ping") {
    usage_error("--method must be retrieve, create or ping");
  }
  return o;
}

// One keep-alive connection with blocking I/O.
class connection {
 public:
  connection(const options& o) : options_(o) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(o.port);
    if (getaddrinfo(o.host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
      throw std::runtime_error(fmt::format("cannot resolve {}", o.host));
    }
    fd_ = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    const bool ok = fd_ >= 0 && ::connect(fd_, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    if (!ok) throw std::runtime_error(fmt::format("cannot connect: {}", std::strerror(errno)));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Sends one POST /rpc and returns the response body; throws on a non-200 status.
  std::string post(std::string_view body) {
    std::string req = fmt::format(
        "POST /rpc HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n"
        "Content-Length: {}\r\n",
        options_.host, body.size());
    if (!options_.token.empty()) req += fmt::format("Authorization: Bearer {}\r\n", options_.token);
    req += "\r\n";
    req += body;
    for (std::size_t sent = 0; sent < req.size();) {
      const auto n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<std::size_t>(n);
    }
    // Headers, then exactly Content-Length bytes of body.
    std::size_t header_end;
    while ((header_end = in_.find("\r\n\r\n")) == std::string::npos) fill();
    const std::string_view head(in_.data(), header_end);
    if (head.substr(0, 12) != "HTTP/1.1 200") {
      throw std::runtime_error(fmt::format("unexpected answer: {}", head.substr(0, 40)));
    }
    const auto at = head.find("Content-Length: ");
    if (at == std::string_view::npos) throw std::runtime_error("no Content-Length");
    const std::size_t length = std::strtoull(head.data() + at + 16, nullptr, 10);
    const std::size_t total = header_end + 4 + length;
    while (in_.size() < total) fill();
    std::string out = in_.substr(header_end + 4, length);
    in_.erase(0, total);
    return out;
  }

 private:
  void fill() {
    char buf[16 * 1024];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) throw std::runtime_error("connection closed by the server");
    in_.append(buf, static_cast<std::size_t>(n));
  }

  const options& options_;
  int fd_ = -1;
  std::string in_;
};

bool is_error(std::string_view response) {
  return response.find("\"error\":") != std::string_view::npos;
}

// Tells the e-mails of one run from those of earlier runs against the same server.
std::int64_t run_tag() {
  static const std::int64_t tag = std::chrono::system_clock::now().time_since_epoch().count();
  return tag;
}

// Creates `count` customers in one batch call; returns their ids.
std::vector<std::string> seed_customers(const options& o) {
  connection c(o);
  std::string data = "[";
  for (int i = 0; i < o.customers; ++i) {
    data += fmt::format(R"({}{{"email":"seed-{}-{}@load.example","first_name":"Load"}})",
                        i ? "," : "", run_tag(), i);
  }
  data += "]";
  const auto response =
      c.post(fmt::format(R"({{"jsonrpc":"2.0","id":0,"method":"create","params":[{}]}})", data));
  if (is_error(response)) throw std::runtime_error("seeding failed: " + response.substr(0, 200));
  std::vector<std::string> ids;
  constexpr std::string_view key = R"("id":"cus_)";
  for (auto at = response.find(key); at != std::string::npos; at = response.find(key, at + 1)) {
    const auto start = at + key.size() - 4;
    ids.push_back(response.substr(start, response.find('"', start) - start));
  }
  if (ids.size() != static_cast<std::size_t>(o.customers)) {
    throw std::runtime_error("seeding returned an unexpected number of ids");
  }
  return ids;
}

struct worker_result {
  std::vector<double> latencies_us;
  std::uint64_t errors = 0;
  std::string failure;
};

void drive(const options& o, int index, const std::vector<std::string>& ids,
           clock_type::time_point until, worker_result& out) {
  try {
    connection c(o);
    std::mt19937_64 rng(static_cast<std::uint64_t>(index) + 1);
    std::uint64_t n = 0;
    out.latencies_us.reserve(1 << 20);
    while (clock_type::now() < until) {
      std::string body;
      if (o.method == "retrieve") {
        body = fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":"retrieve","params":["{}"]}})", n,
                           ids[rng() % ids.size()]);
      } else if (o.method == "create") {
        body = fmt::format(
            R"({{"jsonrpc":"2.0","id":{},"method":"create","params":[{{"email":"load-{}-{}-{}@load.example","first_name":"Load","last_name":"Test"}}]}})",
            n, run_tag(), index, n);
      } else {
        body = fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":"ping","params":[]}})", n);
      }
      const auto start = clock_type::now();
      const auto response = c.post(body);
      out.latencies_us.push_back(
          std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
      if (is_error(response)) ++out.errors;
      ++n;
    }
  } catch (const std::exception& e) {
    out.failure = e.what();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse_options(argc, argv);
  std::vector<std::string> ids;
  try {
    if (o.method == "retrieve") ids = seed_customers(o);
  } catch (const std::exception& e) {
    fmt::print(stderr, "customerdb_http_load: {}\n", e.what());
    return 1;
  }

  std::vector<worker_result> results(static_cast<std::size_t>(o.connections));
  std::vector<std::thread> threads;
  const auto start = clock_type::now();
  const auto until = start + std::chrono::duration_cast<clock_type::duration>(
                                 std::chrono::duration<double>(o.seconds));
  for (int i = 0; i < o.connections; ++i) {
    threads.emplace_back(drive, std::cref(o), i, std::cref(ids), until,
                         std::ref(results[static_cast<std::size_t>(i)]));
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();

  std::vector<double> all;
  std::uint64_t errors = 0;
  for (const auto& r : results) {
    if (!r.failure.empty()) {
      fmt::print(stderr, "customerdb_http_load: a connection failed: {}\n", r.failure);
      return 1;
    }
    all.insert(all.end(), r.latencies_us.begin(), r.latencies_us.end());
    errors += r.errors;
  }
  if (all.empty()) {
    fmt::print(stderr, "customerdb_http_load: no request completed\n");
    return 1;
  }
  std::sort(all.begin(), all.end());
  const auto at = [&](double q) {
    return all[std::min(all.size() - 1,
                        static_cast<std::size_t>(q * static_cast<double>(all.size())))];
  };
  fmt::print(
      "method={} connections={} seconds={:.1f} requests={} errors={} rps={:.0f} "
      "median_us={:.1f} p99_us={:.1f}\n",
      o.method, o.connections, elapsed, all.size(), errors,
      static_cast<double>(all.size()) / elapsed, at(0.5), at(0.99));
  return errors == 0 ? 0 : 1;
}
