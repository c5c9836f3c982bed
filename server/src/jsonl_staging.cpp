#include "customerdb/server/jsonl_staging.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "customerdb/server/jsonl.hpp"

namespace customerdb::server {

namespace {

// A run of whole lines of the input, the `index`-th, whose first line is `first_line`.
struct block {
  std::size_t index = 0;
  std::uint64_t first_line = 1;
  std::string text;
};

constexpr std::size_t block_bytes = 4 << 20;

// Decodes the lines of one block into `rows`, counting them in `rows_done`. Throws
// jsonl_error for a bad line.
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
    rows.add(decode_record(line, line_number));
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
    } catch (const jsonl_error& j) {
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

staging_counts stage_jsonl(std::istream& input, staged_rows& rows,
                           const std::function<void(const staging_counts&)>& progress) {
  std::istream* in = &input;
  decoding d;
  const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  const std::size_t max_queued = 2 * threads;
  std::vector<std::jthread> decoders;
  for (std::size_t i = 0; i < threads; ++i) decoders.emplace_back([&d] { d.decode(); });
  const auto draw = [&] {
    if (progress) progress({d.bytes_done, d.rows_done});
  };

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
  return {d.bytes_done, d.rows_done};
}


}  // namespace customerdb::server
