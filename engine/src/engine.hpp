// detail::engine: the state behind customer_module, its latch, and the commit step.
//
// Every call runs as a transaction: reads take the shared latch and a view of the committed
// tables; writes take the exclusive latch, collect their changes in a txn, and commit, which
// checks the unique rules against the final state and publishes the changes, or throws and
// publishes nothing. Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <shared_mutex>
#include <type_traits>
#include <utility>

#include "customerdb/customer_module.hpp"
#include "store.hpp"

namespace customerdb::detail {

class engine {
 public:
  explicit engine(module_options options);

  // The time to stamp on rows written now.
  timestamp now() const { return clock_(); }

  // Runs f(const view&) over the committed state.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(mutex_);
    const view v(store_, nullptr);
    return std::forward<F>(f)(v);
  }

  // Runs f(txn&) and commits its writes; when f or the commit throws, nothing is written.
  template <class F>
  auto write(F&& f) {
    std::unique_lock lock(mutex_);
    txn t(store_);
    if constexpr (std::is_void_v<std::invoke_result_t<F, txn&>>) {
      std::forward<F>(f)(t);
      commit(t);
    } else {
      auto result = std::forward<F>(f)(t);
      commit(t);
      return result;
    }
  }

 private:
  // Checks the unique rules for every row `t` wrote, then publishes its writes.
  void commit(txn& t);

  mutable std::shared_mutex mutex_;
  store store_;
  std::function<timestamp()> clock_;
};

}  // namespace customerdb::detail
