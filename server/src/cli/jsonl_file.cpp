#include "jsonl_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "command.hpp"
#include "customerdb/server/jsonl.hpp"
#include "progress.hpp"

namespace customerdb::cli {

namespace {

// Files of this size or more get a progress line (on a terminal).
constexpr std::uint64_t large_file = 16 << 20;

}  // namespace

std::unique_ptr<std::istream> open_input(const std::string& path) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::in | std::ios::binary);
  if (!in->is_open())
    throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  return in;
}

namespace {

// A run of whole lines of the input, the `index`-th, whose first line is `first_line`.
struct block {
  std::size_t index = 0;
  std::uint64_t first_line = 1;
  std::string text;
};

constexpr std::size_t block_bytes = 4 << 20;

// Decodes the lines of one block into `rows`, counting them in `rows_done`. Throws
// server::jsonl_error for a bad line.
void decode_block(const block& b, staged_rows& rows, std::atomic<std::uint64_t>& rows_done) {
  std::string_view rest = b.text;
  std::uint64_t line_number = b.first_line;
  std::uint64_t decoded = 0;
  for (; !rest.empty(); ++line_number) {
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    rows.add(server::decode_record(line, line_number));
    ++decoded;
  }
  rows_done += decoded;
}

// The blocks read and not yet decoded, and what the decoding threads found; guarded by `mutex`.
struct decoding {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<block> queue;
  bool input_done = false;
  std::map<std::size_t, staged_rows> parts;  // by block index
  // The first failure, by line: decoding stops at the block that failed.
  std::optional<std::size_t> failed_block;
  std::uint64_t failed_line = 0;
  std::exception_ptr failure;
  std::atomic<std::uint64_t> bytes_done{0};
  std::atomic<std::uint64_t> rows_done{0};

  void fail(const block& b, std::exception_ptr e) {
    std::uint64_t line = b.first_line;
    try {
      std::rethrow_exception(e);
    } catch (const server::jsonl_error& j) {
      line = j.line();
    } catch (...) {  // NOLINT(bugprone-empty-catch): not a line's fault; reported as it is
    }
    std::lock_guard lock(mutex);
    if (!failure || line < failed_line) {
      failure = e;
      failed_line = line;
    }
    if (!failed_block || b.index < *failed_block) failed_block = b.index;
    changed.notify_all();
  }

  // One decoding thread: takes blocks in order until the input ends or a block failed.
  void decode() {
    for (;;) {
      block b;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !queue.empty() || input_done; });
        if (queue.empty()) return;
        b = std::move(queue.front());
        queue.pop_front();
        changed.notify_all();
        if (failed_block && b.index > *failed_block) continue;
      }
      staged_rows rows;
      try {
        decode_block(b, rows, rows_done);
      } catch (...) {
        fail(b, std::current_exception());
        continue;
      }
      bytes_done += b.text.size();
      std::lock_guard lock(mutex);
      parts.emplace(b.index, std::move(rows));
    }
  }
};

}  // namespace

void read_jsonl_file(const std::string& path, staged_rows& rows) {
  std::unique_ptr<std::istream> file;
  std::istream* in = &std::cin;
  std::uint64_t size = 0;
  if (path == "-") {
    std::ios::sync_with_stdio(false);
  } else {
    file = open_input(path);
    in = file.get();
    std::error_code ec;
    size = std::filesystem::file_size(path, ec);
    if (ec) size = 0;
  }
  progress bar(fmt::format("reading {}", path), size, size >= large_file);
  decoding d;
  const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  const std::size_t max_queued = 2 * threads;
  std::vector<std::jthread> decoders;
  for (std::size_t i = 0; i < threads; ++i) decoders.emplace_back([&d] { d.decode(); });
  const auto draw = [&] { bar.refresh(d.bytes_done, d.rows_done); };

  // Reads the input in blocks that end at a line's end; the tail of a read after its last
  // newline starts the next block.
  std::string carry;
  std::uint64_t line = 1;
  std::size_t index = 0;
  bool stopped = false;
  while (!stopped && *in) {
    block b{index, line, std::move(carry)};
    carry.clear();
    const std::size_t had = b.text.size();
    b.text.resize(had + block_bytes);
    in->read(b.text.data() + had, static_cast<std::streamsize>(block_bytes));
    b.text.resize(had + static_cast<std::size_t>(in->gcount()));
    if (in->bad()) {
      std::lock_guard lock(d.mutex);
      d.input_done = true;
      d.changed.notify_all();
      throw std::runtime_error(fmt::format("read error after line {}", line));
    }
    if (!in->eof()) {
      const std::size_t last = b.text.rfind('\n');
      if (last == std::string::npos) {  // no line ends in this read: read on
        carry = std::move(b.text);
        continue;
      }
      carry.assign(b.text, last + 1);
      b.text.resize(last + 1);
    }
    if (b.text.empty()) break;
    line += static_cast<std::uint64_t>(std::count(b.text.begin(), b.text.end(), '\n'));
    ++index;
    std::unique_lock lock(d.mutex);
    d.changed.wait(lock, [&] { return d.queue.size() < max_queued || d.failed_block; });
    stopped = d.failed_block.has_value();
    d.queue.push_back(std::move(b));
    d.changed.notify_all();
    lock.unlock();
    draw();
  }
  {
    std::unique_lock lock(d.mutex);
    d.input_done = true;
    d.changed.notify_all();
    while (!d.queue.empty() &&
           !d.changed.wait_for(lock, std::chrono::milliseconds(100), [&] { return d.queue.empty(); })) {
      lock.unlock();
      draw();
      lock.lock();
    }
  }
  decoders.clear();  // joins
  if (d.failure) std::rethrow_exception(d.failure);
  for (auto& [i, part] : d.parts) rows.append(std::move(part));
  bar.finish(d.bytes_done, d.rows_done);
}

namespace {

// Encodes records into JSON Lines on worker threads, a batch at a time, and writes the batches
// to a stream in their order on a thread of its own: add() is called on one thread (the one
// producing the records); finish() waits for everything to be written.
class batch_writer {
 public:
  batch_writer(std::ostream& out, progress& bar) : out_(out), bar_(bar) {
    const std::size_t threads =
        std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
    max_in_flight_ = 4 * threads;
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { encode(); });
    threads_.emplace_back([this] { write(); });
  }
  ~batch_writer() { stop(); }
  batch_writer(const batch_writer&) = delete;
  batch_writer& operator=(const batch_writer&) = delete;

  // Queues a copy of `r`. Throws std::runtime_error once a write has failed.
  void add(const record& r) {
    current_->records.push_back(r);
    if (current_->records.size() == batch_rows) submit();
  }
  // Writes what is queued and flushes the stream. Throws std::runtime_error when a write
  // failed.
  void finish() {
    if (!current_->records.empty()) submit();
    stop();
    if (failure_) std::rethrow_exception(failure_);
    out_.flush();
    if (!out_) throw std::runtime_error("write error");
  }

  std::uint64_t rows() const noexcept { return rows_; }
  std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  static constexpr std::size_t batch_rows = 4096;

  struct batch {
    std::vector<record> records;
    std::string text;
    bool encoded = false;
  };

  void submit() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return in_order_.size() < max_in_flight_ || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    in_order_.push_back(current_);
    to_encode_.push_back(std::move(current_));
    changed_.notify_all();
    current_ = std::make_shared<batch>();
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      producing_ = false;
      changed_.notify_all();
    }
    threads_.clear();  // joins
  }

  void encode() {
    for (;;) {
      std::shared_ptr<batch> b;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !to_encode_.empty() || !producing_; });
        if (to_encode_.empty()) return;
        b = std::move(to_encode_.front());
        to_encode_.pop_front();
      }
      for (const auto& r : b->records) {
        server::encode_record(r, b->text);
        b->text += '\n';
      }
      std::lock_guard lock(mutex_);
      b->encoded = true;
      changed_.notify_all();
    }
  }

  void write() {
    for (;;) {
      std::shared_ptr<batch> b;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] {
          return (!in_order_.empty() && in_order_.front()->encoded) ||
                 (in_order_.empty() && !producing_);
        });
        if (in_order_.empty()) return;
        b = std::move(in_order_.front());
        in_order_.pop_front();
        changed_.notify_all();
      }
      if (failure_) continue;  // drain: the producer stops at its next batch
      out_.write(b->text.data(), static_cast<std::streamsize>(b->text.size()));
      if (!out_) {
        std::lock_guard lock(mutex_);
        failure_ = std::make_exception_ptr(std::runtime_error("write error"));
        changed_.notify_all();
        continue;
      }
      rows_ += b->records.size();
      bytes_ += b->text.size();
      bar_.refresh(bytes_, rows_);
    }
  }

  std::ostream& out_;
  progress& bar_;
  std::shared_ptr<batch> current_ = std::make_shared<batch>();  // the producer's
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<batch>> in_order_;   // queued, not yet written
  std::deque<std::shared_ptr<batch>> to_encode_;  // queued, not yet taken by an encoder
  std::size_t max_in_flight_ = 0;
  bool producing_ = true;
  std::exception_ptr failure_;
  std::atomic<std::uint64_t> rows_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::vector<std::jthread> threads_;
};

}  // namespace

int write_jsonl_file(const std::string& path, std::string_view label, bool large,
                     const row_producer& produce) {
  const bool to_stdout = path == "-";
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<std::ofstream> file;
  try {
    std::ostream* out = &std::cout;
    if (to_stdout) {
      std::ios::sync_with_stdio(false);
    } else {
      file =
          std::make_unique<std::ofstream>(path, std::ios::out | std::ios::trunc | std::ios::binary);
      if (!file->is_open())
        throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
      out = file.get();
    }
    progress bar(fmt::format("{} {}", label, path), 0, large);
    batch_writer writer(*out, bar);
    produce([&](const record& r) { writer.add(r); });
    writer.finish();
    bar.finish(writer.bytes(), writer.rows());
    if (file) {
      file->close();
      if (!*file) throw std::runtime_error(fmt::format("cannot write {}", path));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(stderr, "customerdb: wrote {} rows ({} bytes) to {} in {:.1f} s\n", writer.rows(),
               writer.bytes(), path, seconds);
  } catch (const std::exception& e) {
    report_error(e.what());
    if (file) {
      file.reset();
      std::error_code ec;
      std::filesystem::remove(path, ec);  // no half-written fixture
    }
    return 1;
  }
  return 0;
}

}  // namespace customerdb::cli
