#include "data_dir.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace customerdb::persistence {
namespace {

constexpr std::string_view snapshot_prefix = "snapshot-";
constexpr std::string_view snapshot_suffix = ".snap";
constexpr std::string_view journal_prefix = "journal-";
constexpr std::string_view journal_suffix = ".log";
constexpr std::string_view temp_suffix = ".tmp";

// The sequence in `name` when it is `prefix`, 20 digits and `suffix`.
std::optional<std::uint64_t> parse(std::string_view name, std::string_view prefix,
                                   std::string_view suffix) {
  if (name.size() != prefix.size() + 20 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix))
    return std::nullopt;
  const std::string_view digits = name.substr(prefix.size(), 20);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string snapshot_file_name(std::uint64_t sequence) {
  return fmt::format("{}{:020}{}", snapshot_prefix, sequence, snapshot_suffix);
}

std::string journal_file_name(std::uint64_t first_sequence) {
  return fmt::format("{}{:020}{}", journal_prefix, first_sequence, journal_suffix);
}

std::string temporary_name(const std::string& name) { return name + std::string(temp_suffix); }

data_dir_listing list_data_dir(file_system& fs, const std::filesystem::path& dir) {
  data_dir_listing out;
  for (auto& name : fs.list(dir)) {
    const std::string_view n(name);
    if (n.ends_with(temp_suffix) &&
        parse(n.substr(0, n.size() - temp_suffix.size()), snapshot_prefix, snapshot_suffix)) {
      out.temporaries.push_back(std::move(name));
    } else if (auto s = parse(n, snapshot_prefix, snapshot_suffix)) {
      out.snapshots.push_back({*s, std::move(name)});
    } else if (auto j = parse(n, journal_prefix, journal_suffix)) {
      out.journals.push_back({*j, std::move(name)});
    }
  }
  const auto by_sequence = [](const numbered_file& a, const numbered_file& b) {
    return a.sequence < b.sequence;
  };
  std::sort(out.snapshots.begin(), out.snapshots.end(), by_sequence);
  std::sort(out.journals.begin(), out.journals.end(), by_sequence);
  std::sort(out.temporaries.begin(), out.temporaries.end());
  return out;
}

}  // namespace customerdb::persistence
