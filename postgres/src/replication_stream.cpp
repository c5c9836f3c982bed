#include "replication_stream.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

namespace customerdb::postgres {

namespace {

constexpr std::int64_t postgres_epoch_us = 946'684'800'000'000;  // 2000-01-01 in Unix time

std::int64_t stream_clock_now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() -
         postgres_epoch_us;
}

std::uint64_t stream_read_be64(const char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

void stream_write_be64(char* p, std::uint64_t v) noexcept {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xFF);
}

std::string stream_trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// "name" for the replication grammar: double quotes, inner ones doubled.
std::string stream_quoted_identifier(std::string_view name) {
  std::string s = "\"";
  for (const char c : name) {
    if (c == '"') s += '"';
    s += c;
  }
  return s + '"';
}

// 'text' for the replication grammar, which knows no escapes but doubled quotes.
std::string stream_quoted_literal(std::string_view text) {
  std::string s = "'";
  for (const char c : text) {
    if (c == '\'') s += '\'';
    s += c;
  }
  return s + '\'';
}

struct stream_freemem {
  void operator()(char* p) const noexcept { PQfreemem(p); }
};

std::string stream_value(const PGresult* r, int column) {
  if (PQgetisnull(r, 0, column)) return {};
  return PQgetvalue(r, 0, column);
}

}  // namespace

replication_stream::replication_stream(const std::string& conninfo) : conn_(conninfo, true) {
  // The decoder writes the values with the walsender's settings.
  conn_.exec("SET DateStyle = ISO");
  conn_.exec("SET TimeZone = 'UTC'");
}

replication_stream::~replication_stream() = default;

void replication_stream::require(state expected, std::string_view call) const {
  if (state_ == expected) return;
  std::string_view when = state_ == state::idle        ? "before start()"
                          : state_ == state::streaming ? "while streaming"
                          : state_ == state::ended     ? "after the end of the stream"
                                                       : "after the stream failed";
  throw pg_error(fmt::format("replication stream on {}: {} called {}", conn_.name(), call, when));
}

void replication_stream::stream_failed(std::string_view what) {
  state_ = state::failed;
  throw pg_error(fmt::format("replication stream on {}: {}", conn_.name(), what));
}

replication_stream::system_identity replication_stream::identify_system() {
  require(state::idle, "identify_system()");
  const std::string sql = "IDENTIFY_SYSTEM";
  const auto r = conn_.exec(sql);
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) < 4) conn_.fail(nullptr, sql);
  system_identity id;
  const auto system_id = stream_value(r.get(), 0);
  const auto timeline = stream_value(r.get(), 1);
  const auto* s = system_id.data();
  const auto* t = timeline.data();
  if (std::from_chars(s, s + system_id.size(), id.system_id).ptr != s + system_id.size() ||
      std::from_chars(t, t + timeline.size(), id.timeline).ptr != t + timeline.size())
    throw pg_error(
        fmt::format("replication stream on {}: IDENTIFY_SYSTEM answered system id "
                    "\"{}\" and timeline \"{}\": not numbers",
                    conn_.name(), system_id, timeline));
  id.xlogpos = lsn::parse(stream_value(r.get(), 2));
  id.dbname = stream_value(r.get(), 3);
  return id;
}

replication_stream::created_slot replication_stream::create_slot(std::string_view name) {
  require(state::idle, "create_slot()");
  const auto sql = fmt::format("CREATE_REPLICATION_SLOT {} LOGICAL pgoutput (SNAPSHOT 'export')",
                               stream_quoted_identifier(name));
  const auto r = conn_.exec(sql);
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) < 4) conn_.fail(nullptr, sql);
  created_slot slot;
  slot.slot_name = stream_value(r.get(), 0);
  slot.consistent_point = lsn::parse(stream_value(r.get(), 1));
  slot.snapshot_name = stream_value(r.get(), 2);
  slot.output_plugin = stream_value(r.get(), 3);
  return slot;
}

void replication_stream::drop_slot(std::string_view name) {
  require(state::idle, "drop_slot()");
  conn_.exec(fmt::format("DROP_REPLICATION_SLOT {}", stream_quoted_identifier(name)));
}

void replication_stream::start(std::string_view slot, lsn from, std::string_view publication) {
  require(state::idle, "start()");
  const auto sql =
      fmt::format("START_REPLICATION SLOT {} LOGICAL {} (proto_version '1', publication_names {})",
                  stream_quoted_identifier(slot), from.to_string(),
                  stream_quoted_literal(stream_quoted_identifier(publication)));
  result r(PQexec(conn_.native(), sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_BOTH) conn_.fail(r.get(), sql);
  state_ = state::streaming;
  confirmed_ = from;
}

replication_stream::event replication_stream::next(std::chrono::milliseconds wait) {
  if (state_ == state::ended) return end_of_stream{};
  require(state::streaming, "next()");
  PGconn* const c = conn_.native();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(c, &buffer, 1);
    if (n > 0) {
      const std::unique_ptr<char, stream_freemem> hold(buffer);
      event out;
      if (handle(std::string_view(buffer, static_cast<std::size_t>(n)), out)) return out;
      continue;
    }
    if (n == -1) return finish_copy();
    if (n < -1) stream_failed(stream_trimmed(PQerrorMessage(c)));
    // Nothing complete yet: wait for the socket until the deadline.
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{};
    p.fd = PQsocket(c);
    p.events = POLLIN;
    if (p.fd < 0) stream_failed(stream_trimmed(PQerrorMessage(c)));
    const int ready =
        poll(&p, 1, static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 1 << 30)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      stream_failed(fmt::format("waiting for the server: {}", std::strerror(errno)));
    }
    if (ready == 0) return timeout{};
    if (PQconsumeInput(c) == 0) stream_failed(stream_trimmed(PQerrorMessage(c)));
  }
}

bool replication_stream::handle(std::string_view data, event& out) {
  const auto tag = data.empty() ? '\0' : data[0];
  if (tag == 'w') {
    if (data.size() < 25)
      stream_failed(
          fmt::format("an XLogData message of {} bytes (its header has 25)", data.size()));
    xlog_data d;
    d.wal_start = lsn{stream_read_be64(data.data() + 1)};
    d.wal_end = lsn{stream_read_be64(data.data() + 9)};
    d.send_time = static_cast<std::int64_t>(stream_read_be64(data.data() + 17));
    try {
      d.message = pgoutput::decode(data.substr(25));
    } catch (const pg_error& e) {
      stream_failed(fmt::format("the message at {}: {}", d.wal_start.to_string(), e.what()));
    }
    server_wal_end_ = std::max(server_wal_end_, d.wal_end);
    out = std::move(d);
    return true;
  }
  if (tag == 'k') {
    if (data.size() != 18)
      stream_failed(fmt::format("a keepalive message of {} bytes (it has 18)", data.size()));
    ++keepalives_;
    server_wal_end_ = std::max(server_wal_end_, lsn{stream_read_be64(data.data() + 1)});
    // Every keepalive is answered: the server sends one only when it waits to hear from the
    // stream (and no other before the answer), whether it sets the reply flag (its timeout is
    // half gone) or not (it ran out of changes to send, or it shuts down and waits until
    // everything it sent is written). Written: everything received; flushed and applied: only
    // what the caller confirmed (the slot moves with these). A reply that cannot be sent is
    // no error yet: the server may have ended the stream meanwhile, which what is left to read
    // tells (an end, or the error that broke the connection).
    if (try_send_status(server_wal_end_, confirmed_)) ++keepalive_replies_;
    return false;
  }
  if (data.empty()) stream_failed("an empty message in the stream");
  stream_failed(fmt::format("an unknown message '{}' (0x{:02X}) in the stream",
                            static_cast<unsigned char>(tag) < 0x20 ? '?' : tag,
                            static_cast<unsigned char>(tag)));
}

replication_stream::event replication_stream::finish_copy() {
  // The server ended its side of the COPY, or sent an error: end ours, collect the results.
  // A walsender that shuts down sends CommandComplete and exits without ReadyForQuery: the
  // connection then breaks, which ends the stream all the same (libpq's error has no SQLSTATE).
  PGconn* const c = conn_.native();
  std::string error;
  std::string sqlstate;
  bool completed = false;
  while (PGresult* raw = PQgetResult(c)) {
    const result r(raw);
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
      if (PQputCopyEnd(c, nullptr) != 1 && error.empty() && !completed)
        error = stream_trimmed(PQerrorMessage(c));
      if (!error.empty() || completed) break;
    } else if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      completed = true;
    } else if (error.empty()) {
      const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
      if (completed && state == nullptr) break;
      if (state != nullptr) sqlstate = state;
      error = stream_trimmed(PQresultErrorMessage(raw));
      if (error.empty()) error = stream_trimmed(PQerrorMessage(c));
    }
  }
  if (!error.empty()) {
    state_ = state::failed;
    throw pg_error(fmt::format("replication stream on {}: {}", conn_.name(), error), sqlstate);
  }
  state_ = state::ended;
  return end_of_stream{};
}

bool replication_stream::try_send_status(lsn written, lsn applied) {
  char m[34];
  m[0] = 'r';
  stream_write_be64(m + 1, written.value);
  stream_write_be64(m + 9, applied.value);   // flushed
  stream_write_be64(m + 17, applied.value);  // applied
  stream_write_be64(m + 25, static_cast<std::uint64_t>(stream_clock_now()));
  m[33] = 0;  // no reply requested
  PGconn* const c = conn_.native();
  if (PQputCopyData(c, m, sizeof m) != 1 || PQflush(c) != 0) return false;
  return true;
}

void replication_stream::confirm(lsn position) {
  require(state::streaming, "confirm()");
  if (!try_send_status(position, position))
    stream_failed(
        fmt::format("sending a status update: {}", stream_trimmed(PQerrorMessage(conn_.native()))));
  confirmed_ = std::max(confirmed_, position);
}

}  // namespace customerdb::postgres
