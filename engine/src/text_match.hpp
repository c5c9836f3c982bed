// Text matching for filters: case folding, substring search (q) and SQL LIKE, each compiled
// once per query.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace customerdb::detail {

// Lower-cases UTF-8 text: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
std::string fold(std::string_view text);

// q's text folded once per query: found_in(text) is whether `text` contains it, ignoring case,
// in O(|text| * |needle|) at worst and at once false for a text shorter than the needle.
// Immutable once built; thread-safe to share.
class folded_search {
 public:
  explicit folded_search(std::string_view needle);
  bool found_in(std::string_view text) const;

 private:
  std::string needle_;  // folded
  bool ascii_ = true;   // the needle is ASCII
};

// A SQL LIKE pattern compiled once per query: `%` matches any run of characters, `_` exactly
// one character (a UTF-8 code point), `\` escapes the next character. With `ignore_case`, ILIKE.
// matches() costs O(|text|) for a pattern without `%` and at worst O(|text| * |pattern|) with
// one, and returns false at once for a text shorter than the characters the pattern needs.
// Immutable once built; thread-safe to share.
class like_pattern {
 public:
  like_pattern(std::string_view pattern, bool ignore_case);
  bool matches(std::string_view text) const;

 private:
  std::vector<char32_t> tokens_;  // a literal code point, or any_one (_) / any_run (%)
  std::size_t min_length_ = 0;    // the code points a match needs: the tokens but for `%`
  bool ignore_case_ = false;
};

// The length of UTF-8 `text` in code points (an invalid byte counts as one).
std::size_t code_point_count(std::string_view text);

// `text` without the white space around it: the characters JavaScript's String.trim removes
// (ASCII white space, no-break spaces, the Unicode space separators, line and paragraph
// separators, and the byte order mark), as UTF-8.
std::string_view trim_white_space(std::string_view text);

}  // namespace customerdb::detail
