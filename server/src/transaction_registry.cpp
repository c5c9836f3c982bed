#include "transaction_registry.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "customerdb/error.hpp"

namespace customerdb::server {

namespace {

// "tx_" + 32 random hex digits from the kernel's generator.
std::string new_transaction_id() {
  std::array<unsigned char, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  std::string id = "tx_";
  for (const unsigned char b : bytes) id += fmt::format("{:02x}", b);
  return id;
}

}  // namespace

// A transaction opened by begin(); after its end, a tombstone until forgotten.
struct transaction_registry::entry {
  context ctx;
  clock::time_point deadline;
  std::optional<clock::time_point> ended_at;  // guarded by mutex_
  std::size_t bytes = 0;                      // guarded by mutex_
};

transaction_registry::transaction_registry(customer_module& module, transaction_limits limits)
    : module_(module), limits_(limits) {}

transaction_registry::~transaction_registry() = default;

std::string transaction_registry::begin(std::optional<std::chrono::milliseconds> timeout) {
  const auto reserve = [this] {
    std::lock_guard lock(mutex_);
    if (open_ >= limits_.max_open) return false;
    ++open_;
    return true;
  };
  if (!reserve()) {
    roll_back_expired_now();
    if (!reserve()) {
      throw error(error_code::not_allowed,
                  fmt::format("Too many open transactions: at most {} may be open at once; "
                              "commit or roll back one first",
                              limits_.max_open));
    }
  }
  std::shared_ptr<entry> t;
  try {
    const auto deadline = clock::now() + timeout.value_or(limits_.default_timeout);
    t = std::make_shared<entry>(
        entry{module_.begin_transaction({.deadline = deadline}), deadline, {}, 0});
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    throw;
  }
  std::string id = new_transaction_id();
  {
    std::lock_guard lock(mutex_);
    transactions_.emplace(id, std::move(t));
  }
  return id;
}

std::shared_ptr<transaction_registry::entry> transaction_registry::lookup(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto it = transactions_.find(std::string(id));
  if (it == transactions_.end()) {
    throw error(error_code::conflict, fmt::format("Transaction {} was not found", id));
  }
  return it->second;
}

std::shared_ptr<const context> transaction_registry::find(std::string_view id,
                                                          std::size_t write_bytes) {
  std::shared_ptr<entry> t = lookup(id);
  if (write_bytes > 0) {
    enum class refusal { none, per_transaction, in_total };
    // Counts the bytes, or says which limit they would pass.
    const auto charge = [&] {
      std::lock_guard lock(mutex_);
      if (t->ended_at) return refusal::none;  // the engine refuses its use
      if (write_bytes > limits_.max_bytes - std::min(t->bytes, limits_.max_bytes)) {
        return refusal::per_transaction;
      }
      if (write_bytes > limits_.max_total_bytes - std::min(open_bytes_, limits_.max_total_bytes)) {
        return refusal::in_total;
      }
      t->bytes += write_bytes;
      open_bytes_ += write_bytes;
      return refusal::none;
    };
    refusal r = charge();
    if (r == refusal::in_total) {
      roll_back_expired_now();  // expired transactions' bytes no longer count
      r = charge();
    }
    if (r == refusal::per_transaction) {
      throw error(error_code::not_allowed,
                  fmt::format("Transaction write limit reached: the write calls of a "
                              "transaction may send at most {} bytes; commit it or roll it back",
                              limits_.max_bytes));
    }
    if (r == refusal::in_total) {
      throw error(error_code::not_allowed,
                  fmt::format("Open transactions' write limit reached: the write calls of all "
                              "open transactions may send at most {} bytes; retry once some "
                              "have ended",
                              limits_.max_total_bytes));
    }
  }
  const context& ctx = t->ctx;
  return {std::move(t), &ctx};  // shares the entry's ownership
}

std::size_t transaction_registry::open_count() {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t transaction_registry::open_bytes() {
  std::lock_guard lock(mutex_);
  return open_bytes_;
}

void transaction_registry::mark_ended(entry& t) {
  std::lock_guard lock(mutex_);
  end_locked(t);
}

void transaction_registry::end_locked(entry& t) {
  if (t.ended_at) return;
  t.ended_at = clock::now();
  --open_;
  open_bytes_ -= t.bytes;
}

void transaction_registry::commit(std::string_view id) {
  const auto t = lookup(id);
  try {
    module_.commit(t->ctx);
  } catch (...) {
    mark_ended(*t);  // a failed commit has ended the transaction too
    throw;
  }
  mark_ended(*t);
}

void transaction_registry::rollback(std::string_view id) {
  const auto t = lookup(id);
  try {
    module_.check_transaction(t->ctx);
    module_.rollback(t->ctx);
  } catch (...) {
    mark_ended(*t);
    throw;
  }
  mark_ended(*t);
}

void transaction_registry::sweep() {
  const auto now = clock::now();
  std::vector<std::shared_ptr<entry>> expired;
  {
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ < std::chrono::seconds(1)) return;
    expired = take_expired_locked(now);
  }
  roll_back_expired(expired);
}

std::vector<std::shared_ptr<transaction_registry::entry>>
transaction_registry::take_expired_locked(clock::time_point now) {
  last_sweep_ = now;
  std::vector<std::shared_ptr<entry>> expired;
  for (auto it = transactions_.begin(); it != transactions_.end();) {
    entry& t = *it->second;
    if (!t.ended_at && now >= t.deadline) {
      expired.push_back(it->second);
      end_locked(t);  // ended now, so that no other sweep takes it too
    }
    if (t.ended_at && now - *t.ended_at >= tombstone_ttl) {
      it = transactions_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

void transaction_registry::roll_back_expired_now() {
  std::vector<std::shared_ptr<entry>> expired;
  {
    std::lock_guard lock(mutex_);
    expired = take_expired_locked(clock::now());
  }
  roll_back_expired(expired);
}

void transaction_registry::roll_back_expired(const std::vector<std::shared_ptr<entry>>& expired) {
  // Past their deadlines: the engine records them as expired.
  for (const auto& t : expired) module_.rollback(t->ctx);
}

void transaction_registry::close() {
  std::lock_guard lock(mutex_);
  for (auto& [id, t] : transactions_) module_.rollback(t->ctx);
  transactions_.clear();
  open_ = 0;
  open_bytes_ = 0;
}

}  // namespace customerdb::server
