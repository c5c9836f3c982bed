// JSON Lines fixture files for the commands: reading one into staged rows and writing rows to
// one, a file name or "-" for standard input / output, with a progress line on a terminal for
// large files (progress.hpp).
#pragma once

#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "customerdb/records.hpp"
#include "customerdb/staged_rows.hpp"

namespace customerdb::cli {

// Opens `path` for reading. Throws std::runtime_error "cannot open <path>: <reason>".
std::unique_ptr<std::istream> open_input(const std::string& path);

// Reads every row of the JSON Lines file `path` ("-": standard input) into `rows`, in the
// file's order. The file is read in blocks of whole lines that several threads decode and
// stage at once; at most a few blocks are held besides the rows. Throws server::jsonl_error
// for the first bad line ("line 12: customer.email must be a string or null") and
// std::runtime_error when the file cannot be read.
void read_jsonl_file(const std::string& path, staged_rows& rows);

// Produces rows by calling its argument once per row.
using row_producer = std::function<void(const record_visitor& visit)>;

// Writes the rows of `produce` to `path` ("-": standard output) as JSON Lines. `label` starts
// the progress line ("exporting"), shown when `large`. Prints a summary on stderr. On failure
// prints the error, removes the half-written file and returns 1; otherwise returns 0.
int write_jsonl_file(const std::string& path, std::string_view label, bool large,
                     const row_producer& produce);

}  // namespace customerdb::cli
