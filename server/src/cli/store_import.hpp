// Loading rows into a store: the one path of `customerdb import` and `customerdb generate
// --data`. Opens the store, stages every row (staged_rows.hpp), hands them to
// customer_module::import_rows in one call (all or nothing), showing its progress on a terminal,
// and, with a data directory, takes a snapshot so that they are durable when the command
// returns.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "customerdb/customer_module.hpp"
#include "customerdb/records.hpp"
#include "customerdb/staged_rows.hpp"

namespace customerdb::cli {

struct store_import {
  // The store to load into; without a data directory the rows are checked and then dropped.
  persistence_options persistence{};
  // The input in messages: a file name, "-", "generated fixture".
  std::string source;
  // Stages the rows; throws to give up (nothing is imported then). Errors are printed as
  // "customerdb: <source>: <what()>".
  std::function<void(staged_rows& rows)> read;
  // Opens the input again to find the line an error of the engine is about; empty when the
  // input cannot be read twice (standard input, generated rows).
  std::function<std::unique_ptr<std::istream>()> reopen;
};

// Runs the import. Prints errors and a summary to stderr; returns the exit status: 0, or 1
// when the store cannot be opened, the input is bad or a rule of the engine is broken
// (nothing is imported then).
int run_import(const store_import& job);

}  // namespace customerdb::cli
