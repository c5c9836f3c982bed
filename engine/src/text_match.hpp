// Text matching for filters: case folding, substring search (q) and SQL LIKE.
#pragma once

#include <string>
#include <string_view>

namespace customerdb::detail {

// Lower-cases UTF-8 text: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
std::string fold(std::string_view text);

// Whether `text` contains `folded_needle` (already folded), ignoring case.
bool contains_folded(std::string_view text, std::string_view folded_needle);

// SQL LIKE: `%` matches any run of characters, `_` exactly one character (a UTF-8 code point),
// `\` escapes the next character. With `ignore_case`, ILIKE.
bool like_match(std::string_view text, std::string_view pattern, bool ignore_case);

// `text` without the white space around it: the characters JavaScript's String.trim removes
// (ASCII white space, no-break spaces, the Unicode space separators, line and paragraph
// separators, and the byte order mark), as UTF-8.
std::string_view trim_white_space(std::string_view text);

}  // namespace customerdb::detail
