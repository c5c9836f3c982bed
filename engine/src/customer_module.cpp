#include "customerdb/customer_module.hpp"

#include "engine.hpp"

namespace customerdb {

context::context() noexcept = default;
context::context(std::shared_ptr<detail::transaction> tx, bool owner) noexcept
    : tx_(std::move(tx)), owner_(owner) {}
context::context(context&& other) noexcept
    : tx_(std::move(other.tx_)),
      owner_(std::exchange(other.owner_, false)),
      deadline_(other.deadline_) {}

context& context::operator=(context&& other) noexcept {
  if (this != &other) {
    context old(std::move(*this));  // an owned transaction being replaced rolls back
    tx_ = std::move(other.tx_);
    owner_ = std::exchange(other.owner_, false);
    deadline_ = other.deadline_;
  }
  return *this;
}

context context::with_deadline(std::chrono::steady_clock::time_point deadline) const {
  context c(tx_, false);
  c.deadline_ = deadline;
  return c;
}

context::~context() {
  if (owner_ && tx_) {
    std::lock_guard lock(tx_->mutex);
    if (tx_->state == detail::transaction::status::active) {
      tx_->state = detail::transaction::status::rolled_back;
      tx_->writes.rollback_to(0);
    }
  }
}

customer_module::customer_module() : customer_module(module_options{}) {}

customer_module::customer_module(module_options options)
    : limits_(options.limits), engine_(std::make_unique<detail::engine>(std::move(options))) {}

customer_module::~customer_module() = default;

context customer_module::begin_transaction(const transaction_options& options) {
  return context(engine_->begin(options), true);
}

context customer_module::begin_transaction(const context& parent,
                                           const transaction_options& options) {
  if (parent.tx_) return context(parent.tx_, false);
  return begin_transaction(options);
}

void customer_module::commit(context& ctx) {
  if (ctx.tx_ && ctx.owner_) engine_->commit(*ctx.tx_);
}

void customer_module::rollback(context& ctx) {
  if (ctx.tx_ && ctx.owner_) engine_->rollback(*ctx.tx_);
}

void customer_module::check_transaction(const context& ctx) const {
  engine_->read(call_of(ctx), [](const detail::view&) {});
}

void customer_module::cancel_calls() noexcept { engine_->cancel_calls(); }

snapshot_info customer_module::snapshot() { return engine_->snapshot(); }

module_stats customer_module::stats() const { return engine_->stats(); }

std::uint64_t customer_module::mark() { return engine_->mark(); }

std::size_t customer_module::rewind() { return engine_->rewind(); }

std::size_t customer_module::clear() { return engine_->clear(); }

}  // namespace customerdb
