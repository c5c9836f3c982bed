#include "call_budget.hpp"

#include "customerdb/error.hpp"

namespace customerdb::detail {

void call_budget::check() const {
  if (cancelled_->load(std::memory_order_relaxed))
    throw error(error_code::timed_out, "The call was cancelled: the module is shutting down");
  if (deadline_ && clock::now() >= *deadline_)
    throw error(error_code::timed_out,
                "The call ran past its deadline and was stopped; it changed nothing");
}

}  // namespace customerdb::detail
