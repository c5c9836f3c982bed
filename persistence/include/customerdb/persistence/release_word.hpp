// A word one thread waits on until another releases it: the journal's group commit (a writer
// waiting for its fsync) and the engine's write_combiner (a writer waiting for its queued step).
// The word holds `word_waiting` while its waiter looks at it and yields the processor between
// looks, `word_sleeping` while the waiter sleeps on it (a futex), and any other value once
// released. Not std::atomic::wait, which would not tell the releaser whether a sleeper needs
// waking. Thread-safe for one waiter and one releaser at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace customerdb::persistence {

inline constexpr std::uint32_t word_waiting = 0;
inline constexpr std::uint32_t word_sleeping = 1;

// Waits until `word` is released, or until `deadline` (when given) has passed; returns what it
// then holds (word_waiting when the deadline passed). For up to `spin` it looks again after each
// sched_yield(): on a virtual machine's few processors a thread that yields is back at once,
// where one asleep costs two context switches. Then it sleeps on the word.
// REQUIRES: `word` holds word_waiting.
std::uint32_t await_release(
    std::atomic<std::uint32_t>& word, std::chrono::nanoseconds spin,
    std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

// Releases `word` with `state` (neither word_waiting nor word_sleeping), and wakes its waiter if
// it sleeps. The waiter may return, and the word's memory be reused, as soon as the store is
// seen: the exchange is the last access to the word, the wake only uses its address (a private
// futex wake reads no memory), and a sleeper woken by mistake sleeps again.
void release(std::atomic<std::uint32_t>& word, std::uint32_t state) noexcept;

}  // namespace customerdb::persistence
