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
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "command.hpp"
#include "customerdb/server/jsonl.hpp"
#include "customerdb/server/jsonl_staging.hpp"
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
  const auto done = server::stage_jsonl(*in, rows, [&](const server::staging_counts& c) {
    bar.refresh(c.bytes, c.rows);
  });
  bar.finish(done.bytes, done.rows);
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
    std::optional<progress> bar;
    std::optional<batch_writer> writer;
    // The output is created with the first row (or at the end, for none): a producer that fails
    // before it has a row, e.g. on a bad data directory, leaves no file behind.
    const auto start_output = [&] {
      std::ostream* out = &std::cout;
      if (to_stdout) {
        std::ios::sync_with_stdio(false);
      } else {
        file = std::make_unique<std::ofstream>(path,
                                               std::ios::out | std::ios::trunc | std::ios::binary);
        if (!file->is_open())
          throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
        out = file.get();
      }
      bar.emplace(fmt::format("{} {}", label, path), 0, large);
      writer.emplace(*out, *bar);
    };
    produce([&](const record& r) {
      if (!writer) start_output();
      writer->add(r);
    });
    if (!writer) start_output();
    writer->finish();
    bar->finish(writer->bytes(), writer->rows());
    if (file) {
      file->close();
      if (!*file) throw std::runtime_error(fmt::format("cannot write {}", path));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(stderr, "customerdb: wrote {} rows ({} bytes) to {} in {:.1f} s\n", writer->rows(),
               writer->bytes(), path, seconds);
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
