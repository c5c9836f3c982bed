#include "transaction_registry.hpp"

#include <fmt/format.h>
#include <sys/random.h>

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
};

transaction_registry::transaction_registry(customer_module& module,
                                           std::chrono::milliseconds default_timeout,
                                           std::chrono::milliseconds max_timeout)
    : module_(module), default_timeout_(default_timeout), max_timeout_(max_timeout) {}

transaction_registry::~transaction_registry() = default;

std::string transaction_registry::begin(std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = clock::now() + timeout.value_or(default_timeout_);
  auto t = std::make_shared<entry>(
      entry{module_.begin_transaction({.deadline = deadline}), deadline, {}});
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

std::shared_ptr<const context> transaction_registry::find(std::string_view id) {
  std::shared_ptr<entry> t = lookup(id);
  const context& ctx = t->ctx;
  return {std::move(t), &ctx};  // shares the entry's ownership
}

void transaction_registry::mark_ended(entry& t) {
  std::lock_guard lock(mutex_);
  if (!t.ended_at) t.ended_at = clock::now();
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
    last_sweep_ = now;
    for (auto it = transactions_.begin(); it != transactions_.end();) {
      entry& t = *it->second;
      if (!t.ended_at && now >= t.deadline) expired.push_back(it->second);
      if (t.ended_at && now - *t.ended_at >= tombstone_ttl) {
        it = transactions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& t : expired) {
    module_.rollback(t->ctx);  // past its deadline: the engine records it as expired
    mark_ended(*t);
  }
}

void transaction_registry::close() {
  std::lock_guard lock(mutex_);
  for (auto& [id, t] : transactions_) module_.rollback(t->ctx);
  transactions_.clear();
}

}  // namespace customerdb::server
