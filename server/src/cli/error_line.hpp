// Finding the line of a JSON Lines fixture that an import error is about. The engine checks
// its rules over the whole record set and names the values that broke one ("Customer with
// email: a@b.c, has_account: false, already exists."); this reads the file again to find the
// row those values belong to, so that `customerdb import` can name the line.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string_view>

namespace customerdb::cli {

// The number of the line of `in` that `message` (a customerdb::error text of
// customer_module::import_records) is about: for a unique rule, the second row holding the
// named values (the first one when only one does: it clashes with a stored row); for a missing
// customer or group, the first row referring to it. Returns nullopt for other messages or when
// no line matches. Lines that are not valid JSON are skipped.
std::optional<std::uint64_t> find_error_line(std::istream& in, std::string_view message);

}  // namespace customerdb::cli
