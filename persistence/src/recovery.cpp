#include "recovery.hpp"

#include <fmt/format.h>

#include <chrono>
#include <exception>

#include "corruption_error.hpp"
#include "customerdb/error.hpp"
#include "data_dir.hpp"
#include "journal_format.hpp"
#include "snapshot_reader.hpp"

namespace customerdb::persistence {
namespace {

// The journal file that would start at commit `first` is missing; `why` says what expected it.
error missing_journal(const std::filesystem::path& dir, std::uint64_t first, std::string_view why) {
  return error(error_code::corruption, fmt::format("Journal {} is missing: {}",
                                                   (dir / journal_file_name(first)).string(), why));
}

}  // namespace

recovery_result recover(file_system& fs, const std::filesystem::path& dir, record_sink& sink,
                        const std::function<void(const std::string&)>& warn) {
  recovery_result r;
  r.files = list_data_dir(fs, dir);
  const auto& snapshots = r.files.snapshots;
  const auto& journals = r.files.journals;

  // The newest snapshot whose checks pass.
  std::optional<checked_snapshot> chosen;
  std::optional<error> skipped;  // why the newest snapshot was not used
  std::uint64_t newest_sequence = 0;
  // What holds the commits up to r.sequence, for the message when the next ones are missing.
  std::string reached = "the directory holds no snapshot, so the journal starts at commit 1";
  bool journal_follows = false;  // the snapshot loaded says journal-<its sequence + 1>.log exists
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    newest_sequence = std::max(newest_sequence, it->sequence);
    const auto path = dir / it->name;
    try {
      chosen = load_snapshot(fs, path);
    } catch (const error& e) {
      if (e.code() != error_code::corruption) throw;
      if (!skipped) skipped = e;
      warn(fmt::format("skipping snapshot {}: {}", path.string(), e.what()));
      continue;
    }
    if (chosen->header.sequence != it->sequence) {
      throw error(error_code::corruption,
                  fmt::format("Snapshot {} is corrupt at offset 16: it covers commit {}, its "
                              "name says {}",
                              path.string(), chosen->header.sequence, it->sequence));
    }
    decode_snapshot(*chosen, sink, path);
    if (const auto position = chosen->header.source_position) {
      sink.source_position(*position);
      r.source_position = position;
    }
    r.snapshot = snapshot_info{
        .path = path, .bytes = chosen->file_size, .sequence = chosen->header.sequence};
    r.snapshot_created_at = timestamp(std::chrono::milliseconds(chosen->header.created_at_ms));
    r.sequence = chosen->header.sequence;
    reached = fmt::format("snapshot {} holds the commits up to {}", path.string(), r.sequence);
    journal_follows = chosen->header.journal_follows;
    break;
  }
  if (!chosen && skipped && (journals.empty() || journals.front().sequence != 1)) throw *skipped;
  chosen.reset();  // frees the payload

  // The snapshot was taken when journal-<S + 1>.log began: a journal that ends before it lost
  // that file (and the commits in it). A directory without any journal file is a snapshot on
  // its own, and loads as it is.
  if (journal_follows && !journals.empty() && journals.back().sequence <= r.sequence) {
    if (skipped) throw *skipped;  // the damaged snapshot is the one to report
    throw missing_journal(
        dir, r.sequence + 1,
        fmt::format("{}, and the commits after it start that file, but the newest journal file, "
                    "{}, starts at commit {}",
                    reached, (dir / journals.back().name).string(), journals.back().sequence));
  }

  // The journal records after the snapshot, file by file, in order and without gaps.
  for (std::size_t i = 0; i < journals.size(); ++i) {
    const bool last = i + 1 == journals.size();
    // A file whose successor starts at or before the next commit holds nothing new.
    if (!last && journals[i + 1].sequence <= r.sequence + 1) continue;
    const auto path = dir / journals[i].name;
    // Each file starts where the one before it ends, so the next commit starts a file.
    if (journals[i].sequence > r.sequence + 1) {
      if (skipped) throw *skipped;  // the damaged snapshot held the missing commits
      throw missing_journal(dir, r.sequence + 1,
                            fmt::format("{}, and the next journal file, {}, starts at commit {}",
                                        reached, path.string(), journals[i].sequence));
    }
    journal_contents contents = read_journal(fs, path, journals[i].sequence, last);
    for (const auto& rec : contents.records) {
      if (rec.sequence <= r.sequence) continue;  // the file's records are consecutive
      try {
        if (is_kept_in_snapshot(rec.payload)) {
          if (skipped) throw *skipped;  // the damaged snapshot held the import
          throw corrupt_journal(path, rec.offset,
                                fmt::format("commit {} is an import whose rows only a snapshot "
                                            "holds, and no snapshot of commit {} or later loads",
                                            rec.sequence, rec.sequence));
        }
        sink.begin_commit(rec.sequence);
        if (const auto position = decode_commit(rec.payload, sink)) r.source_position = position;
      } catch (const error&) {
        throw;
      } catch (const std::exception& e) {
        throw corrupt_journal(path, rec.offset,
                              fmt::format("the record does not decode ({})", e.what()));
      }
      r.sequence = rec.sequence;
      reached = fmt::format("journal {} ends with commit {}", path.string(), r.sequence);
    }
    if (contents.torn) {
      warn(fmt::format("dropping a torn record at the end of the journal: {} offset {} ({})",
                       path.string(), contents.torn->offset, contents.torn->reason));
      r.torn.emplace(journals[i].name, *contents.torn);
    }
    if (last && contents.torn && contents.torn->offset < journal_header_size) {
      // Not even a header: the file is removed by finish_recovery.
    } else if (last &&
               (contents.records.empty() ? contents.first_sequence == r.sequence + 1
                                         : contents.records.back().sequence == r.sequence)) {
      r.continue_journal = journals[i];
    }
  }
  if (skipped && r.sequence < newest_sequence) throw *skipped;
  return r;
}

void finish_recovery(file_system& fs, const std::filesystem::path& dir, recovery_result& r) {
  bool changed = false;
  if (r.torn) {
    const auto& [name, tail] = *r.torn;
    if (tail.offset < journal_header_size) {
      // Not even a header. When it is the file the journal writer starts next, the writer
      // replaces it: removing it first would let a crash in between leave a snapshot without
      // the journal file it requires.
      if (name != journal_file_name(r.sequence + 1)) {
        fs.remove(dir / name);
        changed = true;
      }
    } else {
      auto file = fs.open_append(dir / name);
      file->truncate(tail.offset);
      file->sync();
      changed = true;
    }
  }
  for (const auto& name : r.files.temporaries) {
    fs.remove(dir / name);
    changed = true;
  }
  if (changed) fs.sync_directory(dir);
}

}  // namespace customerdb::persistence
