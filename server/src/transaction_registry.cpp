#include "transaction_registry.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <string_view>
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
  held ctx;  // null once ended
  clock::time_point deadline;
  std::optional<clock::time_point> ended_at;
  std::string ended_message;  // the engine's conflict message for a use after the end
  std::size_t bytes = 0;
};

namespace {

constexpr std::string_view expired_message = "Transaction has expired";
constexpr std::string_view inactive_message = "Transaction is no longer active";

}  // namespace

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
    t = std::make_shared<entry>(entry{
        std::make_shared<context>(module_.begin_transaction({.deadline = deadline})), deadline,
        {}, {}, 0});
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

transaction_registry::held transaction_registry::live_context(entry& t) {
  std::lock_guard lock(mutex_);
  if (!t.ctx) throw error(error_code::conflict, t.ended_message);
  return t.ctx;
}

std::shared_ptr<const context> transaction_registry::find(std::string_view id,
                                                          std::size_t write_bytes) {
  const std::shared_ptr<entry> t = lookup(id);
  if (write_bytes == 0) return live_context(*t);
  enum class refusal { none, per_transaction, in_total };
  held ctx;
  // Takes the context and counts the bytes, or says which limit they would pass.
  const auto charge = [&] {
    std::lock_guard lock(mutex_);
    if (!t->ctx) throw error(error_code::conflict, t->ended_message);
    if (write_bytes > limits_.max_bytes - std::min(t->bytes, limits_.max_bytes)) {
      return refusal::per_transaction;
    }
    if (write_bytes > limits_.max_total_bytes - std::min(open_bytes_, limits_.max_total_bytes)) {
      return refusal::in_total;
    }
    t->bytes += write_bytes;
    open_bytes_ += write_bytes;
    ctx = t->ctx;
    return refusal::none;
  };
  refusal r = charge();
  if (r == refusal::in_total) {
    roll_back_expired_now();  // expired transactions' bytes no longer count
    r = charge();
  }
  if (r == refusal::per_transaction) {
    throw error(error_code::not_allowed,
                fmt::format("Transaction write limit reached: the write calls of a transaction "
                            "may send at most {} bytes; commit it or roll it back",
                            limits_.max_bytes));
  }
  if (r == refusal::in_total) {
    throw error(error_code::not_allowed,
                fmt::format("Open transactions' write limit reached: the write calls of all "
                            "open transactions may send at most {} bytes; retry once some have "
                            "ended",
                            limits_.max_total_bytes));
  }
  return ctx;
}

std::size_t transaction_registry::open_count() {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t transaction_registry::open_bytes() {
  std::lock_guard lock(mutex_);
  return open_bytes_;
}

std::size_t transaction_registry::held_transactions() {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, t] : transactions_) n += t->ctx ? 1 : 0;
  return n;
}

void transaction_registry::mark_ended(entry& t, const context& ctx) {
  // What the engine now says of the transaction: "no longer active" after a commit or a
  // rollback, "has expired" past its deadline.
  std::string message(inactive_message);
  try {
    module_.check_transaction(ctx);
  } catch (const error& e) {
    message = e.what();
  }
  held released;
  std::lock_guard lock(mutex_);
  released = end_locked(t, std::move(message));
}  // `released` goes after the lock: the transaction is destroyed outside it

transaction_registry::held transaction_registry::end_locked(entry& t, std::string message) {
  if (t.ended_at) return nullptr;
  t.ended_at = clock::now();
  t.ended_message = std::move(message);
  --open_;
  open_bytes_ -= t.bytes;
  return std::exchange(t.ctx, nullptr);
}

void transaction_registry::commit(std::string_view id) {
  const auto t = lookup(id);
  const held ctx = live_context(*t);
  try {
    module_.commit(*ctx);
  } catch (...) {
    mark_ended(*t, *ctx);  // a failed commit has ended the transaction too
    throw;
  }
  mark_ended(*t, *ctx);
}

void transaction_registry::rollback(std::string_view id) {
  const auto t = lookup(id);
  const held ctx = live_context(*t);
  try {
    module_.check_transaction(*ctx);
    module_.rollback(*ctx);
  } catch (...) {
    mark_ended(*t, *ctx);
    throw;
  }
  mark_ended(*t, *ctx);
}

void transaction_registry::sweep() {
  const auto now = clock::now();
  std::vector<held> expired;
  {
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ < std::chrono::seconds(1)) return;
    expired = take_expired_locked(now);
  }
  roll_back_expired(expired);
}

std::vector<transaction_registry::held> transaction_registry::take_expired_locked(
    clock::time_point now) {
  last_sweep_ = now;
  std::vector<held> expired;
  for (auto it = transactions_.begin(); it != transactions_.end();) {
    entry& t = *it->second;
    if (!t.ended_at && now >= t.deadline) {
      // Ended now, so that no other sweep takes it too; rolled back past its deadline, the
      // engine records it as expired.
      expired.push_back(end_locked(t, std::string(expired_message)));
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
  std::vector<held> expired;
  {
    std::lock_guard lock(mutex_);
    expired = take_expired_locked(clock::now());
  }
  roll_back_expired(expired);
}

void transaction_registry::roll_back_expired(const std::vector<held>& expired) {
  for (const auto& ctx : expired) module_.rollback(*ctx);
}

void transaction_registry::close() {
  std::vector<held> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, t] : transactions_) {
      if (t->ctx) open.push_back(end_locked(*t, std::string(inactive_message)));
    }
    transactions_.clear();
    open_ = 0;
    open_bytes_ = 0;
  }
  for (const auto& ctx : open) module_.rollback(*ctx);
}

}  // namespace customerdb::server
