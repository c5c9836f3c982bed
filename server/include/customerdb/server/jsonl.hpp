// customerdb::server JSON Lines records: the fixture format of `customerdb import`, `export`
// and `generate`. One stored row per line, a JSON object whose "type" names its table and whose
// other keys are the row's columns, all of them, in the order of records.hpp:
//
//   {"type":"customer_group","id":"cusgroup_01...","name":"VIP","metadata":null,...}
//   {"type":"customer","id":"cus_01...","company_name":null,"first_name":"Anna",...}
//   {"type":"customer_address","id":"cuaddr_01...","customer_id":"cus_01...",...}
//   {"type":"customer_group_customer","id":"cusgc_01...","customer_id":"cus_01...",...}
//
// Timestamps are strings "2024-05-24T10:00:00.000Z"; metadata is a JSON object or null, kept
// exactly. Encoding is deterministic: the same record always gives the same bytes.
//
// Decoding is strict. A line fails with jsonl_error, whose message names the line number and the
// key, when it is not a JSON object, when "type" is missing or not one of the four table names,
// when a key is not a column of that table, when a value has the wrong JSON
// type (`line 12: customer.email must be a string or null`), or when a required column is
// missing. Required: `id`, `created_at`, `updated_at`, and the `customer_id` /
// `customer_group_id` of addresses and memberships. A missing nullable column is null and a
// missing boolean is false (the defaults of a created row). A key given twice counts once, with
// its last value (as Boost.JSON parses objects). Lines that are empty or only
// whitespace are skipped. The codec checks shapes only; the engine's rules (unique e-mails,
// one default address of each kind, existing references) are checked by
// customer_module::import_records.
//
// The free functions are thread-safe; jsonl_reader and jsonl_writer are thread-compatible.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "customerdb/error.hpp"
#include "customerdb/records.hpp"

namespace customerdb::server {

// A line that is not a valid record: a customerdb::error (invalid_data) whose what() is
// "line <n>: <problem>". Thread-safe (immutable).
class jsonl_error : public error {
 public:
  jsonl_error(std::uint64_t line, const std::string& message);

  // The 1-based number of the offending line.
  std::uint64_t line() const noexcept { return line_; }

 private:
  std::uint64_t line_;
};

// The type tag of `r`: "customer_group", "customer", "customer_address" or
// "customer_group_customer".
std::string_view record_type(const record& r) noexcept;

// Appends `r` as one line of JSON, without the newline, to `out`.
void encode_record(const record& r, std::string& out);
// `r` as one line of JSON, without the newline.
std::string encode_record(const record& r);

// Decodes one line. `line_number` is used in messages. Throws jsonl_error.
record decode_record(std::string_view line, std::uint64_t line_number);

// Moves `r` to the end of the table of `set` it belongs to.
void add_record(record_set& set, record r);

// Reads records from a stream of JSON Lines, one line at a time (memory does not grow with
// the input).
class jsonl_reader {
 public:
  // REQUIRES: `in` outlives the reader.
  explicit jsonl_reader(std::istream& in);

  // Reads the next record into `out`; returns false at the end of the input. Skips blank
  // lines. Throws jsonl_error for a bad line, std::runtime_error when the stream fails.
  bool next(record& out);

  // The number of the last line read (0 before the first).
  std::uint64_t line() const noexcept { return line_; }
  // Bytes consumed so far, newlines included.
  std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  std::istream& in_;
  std::string buffer_;
  std::uint64_t line_ = 0;
  std::uint64_t bytes_ = 0;
};

// Writes records as JSON Lines, buffering up to about 1 MiB before writing to the stream.
class jsonl_writer {
 public:
  // REQUIRES: `out` outlives the writer.
  explicit jsonl_writer(std::ostream& out);
  // Flushes what is buffered; errors are lost then: call flush() to see them.
  ~jsonl_writer();
  jsonl_writer(const jsonl_writer&) = delete;
  jsonl_writer& operator=(const jsonl_writer&) = delete;

  // Writes `r` as one line. Throws std::runtime_error when the stream fails.
  void write(const record& r);
  // Writes what is buffered to the stream and flushes it. Throws std::runtime_error when the
  // stream fails.
  void flush();

  // Records and bytes written so far (buffered ones included).
  std::uint64_t rows() const noexcept { return rows_; }
  std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  void drain();

  std::ostream& out_;
  std::string buffer_;
  std::uint64_t rows_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace customerdb::server
