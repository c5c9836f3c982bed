// COPY's text format (PostgreSQL's `COPY ... (FORMAT text)`, its default): one row per line,
// fields separated by a tab, NULL written as \N, and backslash escapes for the bytes that
// would break a line or a field.
//
// Plain functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace customerdb::postgres {

// Appends `value` escaped for a field: backslash, newline, carriage return and tab become \\,
// \n, \r and \t; every other byte is kept as it is (the text is UTF-8).
void append_copy_field(std::string& line, std::string_view value);
// Appends NULL (\N).
void append_copy_null(std::string& line);

// The fields of one line (without its newline). A field is nullopt for \N; escapes (\b \f \n
// \r \t \v \\, \<octal digits>, \x<hex digits>, a backslash before any other byte) are
// undone. `fields` is reused (cleared first) to save allocations.
void split_copy_line(std::string_view line, std::vector<std::optional<std::string>>& fields);

}  // namespace customerdb::postgres
