// customerdb::server::stage_jsonl: JSON Lines records (jsonl.hpp) read into staged rows
// (customerdb/staged_rows.hpp) for customer_module::import_rows, decoded on several threads. The
// one reader of fixture files: `customerdb import` and the protocol's loadFixture.
//
// Thread-safety: each call is independent; it starts and joins its own decoding threads.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>

#include "customerdb/staged_rows.hpp"

namespace customerdb::server {

// How far a stage_jsonl call has got: input bytes and rows decoded.
struct staging_counts {
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
};

// Reads every record of the JSON Lines stream `in` into `rows`, in the input's order. The input
// is read in 4 MiB blocks of whole lines that up to four threads decode and stage at once; at
// most two blocks per thread are held besides the rows. Blank lines are skipped. `progress`,
// when set, is called on the calling thread after each block is queued and while the last ones
// are decoded. Returns the final counts. Throws jsonl_error for the first bad line (by line
// number; "line 12: customer.email must be a string or null"), std::runtime_error "read error
// after line <n>" when the stream fails; `rows` is unchanged then.
staging_counts stage_jsonl(std::istream& in, staged_rows& rows,
                           const std::function<void(const staging_counts&)>& progress = {});

}  // namespace customerdb::server
